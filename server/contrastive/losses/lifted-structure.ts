// Lifted structure loss (Oh Song et al. 2016), as pytorch-metric-learning's LiftedStructureLoss:
// for every ordered positive pair (a, p), J = logsumexp over the negatives of a and of p of
// (negMargin − D) + D_ap − posMargin, l = relu(J)²/2; reduced over the positive pairs (default: mean).
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import type { Distance } from '../distances/types';
import { meanReducer } from '../reducers/mean';
import type { Reducer } from '../reducers/types';
import { gatherFlat, maskedLogSumExp, stopGradient, zeroLoss } from '../tensor-utils';
import { margin } from './base';
import type { liftedStructure } from './lifted-structure.decl';
import { PairLoss, type PairBatch } from './pair-loss';

/** Stand-in for log 0 (an empty set of negatives) that keeps the arithmetic finite. */
const EMPTY = -1e30;

export class LiftedStructureLoss extends PairLoss {
  readonly type = 'liftedStructure';
  readonly supportsReference = false;

  constructor(
    distance: Distance,
    private readonly options: ParamsOf<typeof liftedStructure>,
    reducer: Reducer = meanReducer,
  ) {
    super(distance, reducer);
  }

  protected formula({ batch, masks, mat }: PairBatch): tf.Scalar {
    const n = batch.rows;
    const pairA: number[] = [];
    const pairP: number[] = [];
    for (let k = 0; k < masks.pos.length; k++) {
      if (masks.pos[k] === 1) {
        pairA.push(Math.floor(k / n));
        pairP.push(k % n);
      }
    }
    if (pairA.length === 0 || masks.negCount === 0) return zeroLoss(mat);
    const anchors = Int32Array.from(pairA);
    const positives = Int32Array.from(pairP);
    // logsumexp over the union of a's and p's negatives = logaddexp of the two rows' logsumexps,
    // so each row is reduced once (n×n work) instead of once per pair.
    const negMask = tf.tensor2d(masks.neg, [n, n]);
    const rowLse = maskedLogSumExp(margin(this.distance, this.options.negMargin, mat, tf) as tf.Tensor2D, negMask);
    const hasNeg = tf.step(tf.sum(negMask, 1));
    const rowLseOrEmpty = tf.add(tf.mul(rowLse, hasNeg), tf.mul(tf.sub(1, hasNeg), EMPTY)); // empty row: e^EMPTY = 0
    const la = gatherFlat(rowLseOrEmpty, anchors);
    const lp = gatherFlat(rowLseOrEmpty, positives);
    const shift = stopGradient(tf.maximum(la, lp));
    const union = tf.add(tf.log(tf.add(tf.exp(tf.sub(la, shift)), tf.exp(tf.sub(lp, shift)))), shift);
    const eitherHasNeg = tf.step(tf.add(gatherFlat(hasNeg, anchors), gatherFlat(hasNeg, positives)));
    const posTerms = margin(this.distance, gatherFlat(mat, anchors.map((a, k) => a * n + (positives[k] ?? 0))), this.options.posMargin, tf);
    const j = tf.add(tf.mul(union, eitherHasNeg), posTerms);
    const terms = tf.div(tf.square(tf.relu(j)), 2);
    return this.reducer.reduce(terms, tf.scalar(1), anchors.length);
  }
}
