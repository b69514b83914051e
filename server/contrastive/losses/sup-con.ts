// Supervised contrastive loss (Khosla et al. 2020), as pytorch-metric-learning's SupConLoss:
// S = similarity/τ; l_i = −(1/|P(i)|) Σ_{j∈P(i)} [S_ij − log Σ_{k≠i} exp S_ik] (all other samples
// in the denominator, positives included); reduced over the rows (default: over the non-zero ones).
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import type { Distance } from '../distances/types';
import { avgNonZeroReducer } from '../reducers/avg-non-zero';
import type { Reducer } from '../reducers/types';
import { maskedLogSumExp, zeroLoss } from '../tensor-utils';
import { maskTensor } from './labelled-batch';
import { PairLoss, type PairBatch } from './pair-loss';
import type { supCon } from './sup-con.decl';

export class SupConLoss extends PairLoss {
  readonly type = 'supCon';
  readonly supportsReference = true;

  constructor(
    distance: Distance,
    private readonly options: ParamsOf<typeof supCon>,
    reducer: Reducer = avgNonZeroReducer,
  ) {
    super(distance, reducer);
    if (!(options.temperature > 0)) throw new Error(`supCon loss: temperature must be > 0 (got ${options.temperature}).`);
  }

  protected formula({ batch, masks, mat }: PairBatch): tf.Scalar {
    if (masks.posCount === 0 || masks.negCount === 0) return zeroLoss(mat);
    const logits = tf.div(this.distance.isInverted ? mat : tf.neg(mat), this.options.temperature) as tf.Tensor2D;
    const pos = maskTensor(masks.pos, batch);
    const denominator = maskedLogSumExp(logits, tf.add(pos, maskTensor(masks.neg, batch)) as tf.Tensor2D);
    const logProb = tf.sub(logits, tf.reshape(denominator, [batch.rows, 1]));
    const meanLogProbPos = tf.div(tf.sum(tf.mul(pos, logProb), 1), tf.add(tf.sum(pos, 1), 1e-30));
    return this.reducer.reduce(tf.neg(meanLogProbPos), tf.scalar(1), batch.rows);
  }
}
