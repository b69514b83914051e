// Soft nearest neighbour loss (Frosst, Papernot & Hinton 2019):
// l_i = −log( Σ_{j≠i, y_j=y_i} e^{−d_ij/T} / Σ_{k≠i} e^{−d_ik/T} ), mean over the rows that have a
// positive. The reference uses the squared euclidean distance on raw embeddings; any distance works
// (a similarity enters as +S/T). T may be learnable.
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import { meanReduce } from '../reducers/mean';
import { maskedLogSumExp } from '../tensor-utils';
import { labelledBatch, maskTensor, pairMasks } from './labelled-batch';
import type { Loss, LossInput } from './types';

export class SoftNearestNeighborLoss implements Loss {
  readonly type = 'softNearestNeighbor';
  readonly input = 'labelled';
  readonly supportsReference = true;
  readonly supportsMining = true;
  /** The temperature T itself (not its log), so its gradient is dL/dT. */
  readonly temperature: tf.Variable;
  readonly trainableVariables: readonly tf.Variable[];

  constructor(
    private readonly distance: Distance,
    temperature: number,
    learnTemperature: boolean,
  ) {
    if (!(temperature > 0)) throw new Error(`softNearestNeighbor loss: temperature must be > 0 (got ${temperature}).`);
    this.temperature = tf.variable(tf.scalar(temperature), learnTemperature);
    this.trainableVariables = learnTemperature ? [this.temperature] : [];
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const batch = labelledBatch(input, 'softNearestNeighbor loss', true);
      const masks = pairMasks(batch, input.tuples);
      const mat = this.distance.pairwise(batch.embeddings, batch.ref);
      const logits = tf.div(this.distance.isInverted ? mat : tf.neg(mat), this.temperature) as tf.Tensor2D;
      const pos = maskTensor(masks.pos, batch);
      const all = tf.add(pos, maskTensor(masks.neg, batch)) as tf.Tensor2D;
      const terms = tf.sub(maskedLogSumExp(logits, all), maskedLogSumExp(logits, pos));
      const hasPositive = tf.step(tf.sum(pos, 1));
      let rowsWithPositive = 0;
      for (let i = 0; i < batch.rows; i++) {
        if (masks.pos.subarray(i * batch.cols, (i + 1) * batch.cols).some((v) => v === 1)) rowsWithPositive++;
      }
      return meanReduce(terms, hasPositive, rowsWithPositive);
    });
  }

  dispose(): void {
    this.temperature.dispose();
  }
}
