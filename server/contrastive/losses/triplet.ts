// Triplet margin loss, as pytorch-metric-learning's TripletMarginLoss: for every triplet (all, or
// the mined ones) l = relu(D_ap − D_an + margin) (mirrored for a similarity), optionally with the
// anchor/positive swap and a softplus instead of relu; averaged over the non-zero triplets.
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import { avgNonZeroReduce } from '../reducers/avg-non-zero';
import { gatherFlat, zeroLoss } from '../tensor-utils';
import { margin, StatelessLoss } from './base';
import { labelledBatch, triplets } from './labelled-batch';
import type { LossInput } from './types';

export interface TripletOptions {
  readonly margin: number;
  readonly swap: boolean;
  readonly smoothLoss: boolean;
}

export class TripletMarginLoss extends StatelessLoss {
  readonly type = 'triplet';
  readonly input = 'labelled';
  readonly supportsReference = true;
  readonly supportsMining = true;

  constructor(
    private readonly distance: Distance,
    private readonly options: TripletOptions,
  ) {
    super();
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const batch = labelledBatch(input, 'triplet loss', true);
      const mat = this.distance.pairwise(batch.embeddings, batch.ref);
      const { anchors, positives, negatives } = triplets(batch, input.tuples);
      if (anchors.length === 0) return zeroLoss(mat);
      const cols = batch.cols;
      const ap = gatherFlat(mat, flatIndices(anchors, positives, cols));
      let an: tf.Tensor = gatherFlat(mat, flatIndices(anchors, negatives, cols));
      if (this.options.swap) {
        // The positive may be closer to the negative than the anchor is: use the harder of the two.
        const refMat = batch.ref === undefined ? mat : this.distance.pairwise(batch.ref);
        const pn = gatherFlat(refMat, flatIndices(positives, negatives, cols));
        an = this.distance.isInverted ? tf.maximum(an, pn) : tf.minimum(an, pn);
      }
      const violation = tf.add(margin(this.distance, ap, an, tf), this.options.margin);
      const terms = this.options.smoothLoss ? tf.softplus(violation) : tf.relu(violation);
      return avgNonZeroReduce(terms, tf.scalar(1));
    });
  }
}

/** Row-major positions of (rows[k], cols[k]) in a matrix with `width` columns. */
function flatIndices(rows: Int32Array, columns: Int32Array, width: number): Int32Array {
  const out = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = (rows[k] ?? 0) * width + (columns[k] ?? 0);
  return out;
}
