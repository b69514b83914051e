// InfoNCE / NT-Xent, as pytorch-metric-learning's NTXentLoss. With S = similarity/τ (or −D/τ for a
// distance), every ordered positive pair (i, j) is its own term:
// l_ij = −log(exp S_ij / (exp S_ij + Σ_{k negative of i} exp S_ik)) = softplus(lse_neg(S_i) − S_ij);
// reduced over the positive pairs (default: mean). SimCLR is the two-view form (views → pair ids
// as labels); a memory queue (MoCo) enters as refEmbeddings whose labels match no query.
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import type { Distance } from '../distances/types';
import { meanReducer } from '../reducers/mean';
import type { Reducer } from '../reducers/types';
import { eye, maskedLogSumExp, rowLogSumExp } from '../tensor-utils';
import type { infoNCE } from './info-nce.decl';
import { maskTensor } from './labelled-batch';
import { PairLoss, type PairBatch } from './pair-loss';

/** Added to a logit to drop it from a logsumexp (e^−1e30 = 0) while keeping gradients finite. */
const EXCLUDED = -1e30;

function atMostOnePositivePerRow(pos: Float32Array, rows: number, cols: number): boolean {
  for (let i = 0; i < rows; i++) {
    let count = 0;
    for (let j = i * cols; j < (i + 1) * cols; j++) count += pos[j] ?? 0;
    if (count > 1) return false;
  }
  return true;
}

export class InfoNCELoss extends PairLoss {
  readonly type = 'infoNCE';
  readonly supportsReference = true;

  constructor(
    distance: Distance,
    private readonly options: ParamsOf<typeof infoNCE>,
    reducer: Reducer = meanReducer,
  ) {
    super(distance, reducer);
    if (!(options.temperature > 0)) throw new Error(`infoNCE loss: temperature must be > 0 (got ${options.temperature}).`);
  }

  protected formula({ batch, tuples, masks, mat }: PairBatch): tf.Scalar {
    const logits = tf.div(this.distance.isInverted ? mat : tf.neg(mat), this.options.temperature) as tf.Tensor2D;
    const pos = maskTensor(masks.pos, batch);
    if (atMostOnePositivePerRow(masks.pos, batch.rows, batch.cols) && tuples === undefined) {
      // SimCLR / MoCo shape: with one positive j per row, its denominator is every k ≠ i, so the
      // term is plain cross-entropy: logsumexp_{k≠i} S_ik − S_ij (far fewer ops than the general
      // form); a row's term is then its one positive pair's.
      const candidates = batch.ref === undefined ? tf.add(logits, tf.mul(eye(batch.rows), EXCLUDED)) : logits;
      const hasPositive = tf.step(tf.sum(pos, 1));
      const terms = tf.sub(tf.mul(rowLogSumExp(candidates as tf.Tensor2D), hasPositive), tf.sum(tf.mul(logits, pos), 1));
      return this.reducer.reduce(terms, hasPositive, masks.posCount);
    }
    const negMask = maskTensor(masks.neg, batch);
    const hasNegatives = tf.reshape(tf.step(tf.sum(negMask, 1)), [batch.rows, 1]);
    const negLse = tf.reshape(maskedLogSumExp(logits, negMask), [batch.rows, 1]);
    // A row without negatives has the single term exp S/exp S: loss 0.
    const terms = tf.mul(tf.softplus(tf.sub(negLse, logits)), hasNegatives);
    return this.reducer.reduce(terms, pos, masks.posCount);
  }
}
