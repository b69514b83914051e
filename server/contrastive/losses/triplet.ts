// Triplet margin loss, as pytorch-metric-learning's TripletMarginLoss: for every triplet (all, or
// the mined ones) l = relu(D_ap − D_an + margin) (mirrored for a similarity), optionally with the
// anchor/positive swap and a softplus instead of relu; reduced over the triplets (default: over
// the non-zero ones).
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import type { Distance } from '../distances/types';
import { avgNonZeroReducer } from '../reducers/avg-non-zero';
import type { Reducer } from '../reducers/types';
import { gatherFlat, zeroLoss } from '../tensor-utils';
import { margin } from './base';
import { triplets, type PairMasks } from './labelled-batch';
import { PairLoss, type PairBatch } from './pair-loss';
import type { triplet } from './triplet.decl';

export class TripletMarginLoss extends PairLoss {
  readonly type = 'triplet';
  readonly supportsReference = true;

  constructor(
    distance: Distance,
    private readonly options: ParamsOf<typeof triplet>,
    reducer: Reducer = avgNonZeroReducer,
  ) {
    super(distance, reducer);
  }

  protected formula({ batch, tuples, masks, mat }: PairBatch): tf.Scalar {
    if (tuples === undefined && !this.options.swap) {
      const dense = this.allTripletsDense(mat, masks, batch.rows, batch.cols);
      if (dense !== null) return dense;
    }
    const { anchors, positives, negatives } = triplets(batch, tuples);
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
    return this.reducer.reduce(this.terms(ap, an), tf.scalar(1), anchors.length);
  }

  private terms(ap: tf.Tensor, an: tf.Tensor): tf.Tensor {
    const violation = tf.add(margin(this.distance, ap, an, tf), this.options.margin);
    return this.options.smoothLoss ? tf.softplus(violation) : tf.relu(violation);
  }

  /**
   * All triplets without gathering each one (tf.gather is slow on wasm at ~10⁶ indices): anchor a's
   * K positive distances are compared with its whole row, an (anchors × K × columns) tensor masked
   * to the valid (positive slot, negative column) combinations. null when that tensor is too big.
   */
  private allTripletsDense(mat: tf.Tensor2D, masks: PairMasks, rows: number, cols: number): tf.Scalar | null {
    const positivesOf: number[][] = Array.from({ length: rows }, () => []);
    for (let k = 0; k < masks.pos.length; k++) if (masks.pos[k] === 1) positivesOf[Math.floor(k / cols)]?.push(k);
    const slots = Math.max(0, ...positivesOf.map((p) => p.length));
    if (slots === 0 || masks.negCount === 0) return zeroLoss(mat);
    if (rows * slots * cols > DENSE_LIMIT) return null;
    const positionOfPositive = new Int32Array(rows * slots);
    const validSlot = new Float32Array(rows * slots);
    positivesOf.forEach((list, a) =>
      list.forEach((flat, s) => {
        positionOfPositive[a * slots + s] = flat;
        validSlot[a * slots + s] = 1;
      }),
    );
    const ap = tf.reshape(gatherFlat(mat, positionOfPositive), [rows, slots, 1]);
    const an = tf.reshape(mat, [rows, 1, cols]);
    const selected = tf.mul(tf.tensor3d(validSlot, [rows, slots, 1]), tf.tensor3d(masks.neg, [rows, 1, cols]));
    // The number of selected triplets: Σ_a |positives of a| · |negatives of a|.
    let count = 0;
    positivesOf.forEach((list, a) => {
      let negatives = 0;
      for (let j = a * cols; j < (a + 1) * cols; j++) negatives += masks.neg[j] ?? 0;
      count += list.length * negatives;
    });
    return this.reducer.reduce(this.terms(ap, an), selected, count);
  }
}

/** Largest anchors × positive-slots × columns tensor the dense all-triplets form may build. */
const DENSE_LIMIT = 1 << 25;

/** Row-major positions of (rows[k], cols[k]) in a matrix with `width` columns. */
function flatIndices(rows: Int32Array, columns: Int32Array, width: number): Int32Array {
  const out = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = (rows[k] ?? 0) * width + (columns[k] ?? 0);
  return out;
}
