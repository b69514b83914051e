// Soft nearest neighbour loss (Frosst, Papernot & Hinton 2019):
// l_i = −log( Σ_{j≠i, y_j=y_i} e^{−d_ij/T} / Σ_{k≠i} e^{−d_ik/T} ), reduced over the rows that have
// a positive (default: mean). The reference uses the squared euclidean distance on raw embeddings;
// any distance works (a similarity enters as +S/T). T may be learnable.
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import type { Distance } from '../distances/types';
import { meanReducer } from '../reducers/mean';
import type { Reducer } from '../reducers/types';
import { maskedLogSumExp } from '../tensor-utils';
import { maskTensor } from './labelled-batch';
import { PairLoss, type PairBatch } from './pair-loss';
import type { softNearestNeighbor } from './soft-nearest-neighbor.decl';

export class SoftNearestNeighborLoss extends PairLoss {
  readonly type = 'softNearestNeighbor';
  readonly supportsReference = true;
  /** The temperature T itself (not its log), so its gradient is dL/dT. */
  readonly temperature: tf.Variable;
  override readonly trainableVariables: readonly tf.Variable[];

  constructor(distance: Distance, { temperature, learnTemperature }: ParamsOf<typeof softNearestNeighbor>, reducer: Reducer = meanReducer) {
    super(distance, reducer);
    if (!(temperature > 0)) throw new Error(`softNearestNeighbor loss: temperature must be > 0 (got ${temperature}).`);
    this.temperature = tf.variable(tf.scalar(temperature), learnTemperature);
    this.trainableVariables = learnTemperature ? [this.temperature] : [];
  }

  protected formula({ batch, masks, mat }: PairBatch): tf.Scalar {
    const logits = tf.div(this.distance.isInverted ? mat : tf.neg(mat), this.temperature) as tf.Tensor2D;
    const pos = maskTensor(masks.pos, batch);
    const all = tf.add(pos, maskTensor(masks.neg, batch)) as tf.Tensor2D;
    const terms = tf.sub(maskedLogSumExp(logits, all), maskedLogSumExp(logits, pos));
    const hasPositive = tf.step(tf.sum(pos, 1));
    let rowsWithPositive = 0;
    for (let i = 0; i < batch.rows; i++) {
      if (masks.pos.subarray(i * batch.cols, (i + 1) * batch.cols).some((v) => v === 1)) rowsWithPositive++;
    }
    return this.reducer.reduce(terms, hasPositive, rowsWithPositive);
  }

  override dispose(): void {
    this.temperature.dispose();
  }
}
