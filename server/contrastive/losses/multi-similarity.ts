// Multi-similarity loss (Wang et al. 2019), as pytorch-metric-learning's MultiSimilarityLoss:
// l_i = (1/α) log(1 + Σ_pos exp(−α(S_ij − base))) + (1/β) log(1 + Σ_neg exp(β(S_ik − base)))
// (mirrored for a distance); reduced over all rows (default: mean).
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import type { Distance } from '../distances/types';
import { meanReducer } from '../reducers/mean';
import type { Reducer } from '../reducers/types';
import { maskedLogSumExp } from '../tensor-utils';
import { margin } from './base';
import { maskTensor } from './labelled-batch';
import type { multiSimilarity } from './multi-similarity.decl';
import { PairLoss, type PairBatch } from './pair-loss';

export class MultiSimilarityLoss extends PairLoss {
  readonly type = 'multiSimilarity';
  readonly supportsReference = true;

  constructor(
    distance: Distance,
    private readonly options: ParamsOf<typeof multiSimilarity>,
    reducer: Reducer = meanReducer,
  ) {
    super(distance, reducer);
  }

  protected formula({ batch, masks, mat }: PairBatch): tf.Scalar {
    const posExp = tf.mul(margin(this.distance, mat, this.options.base, tf), this.options.alpha) as tf.Tensor2D;
    const negExp = tf.mul(margin(this.distance, this.options.base, mat, tf), this.options.beta) as tf.Tensor2D;
    const posLoss = tf.div(maskedLogSumExp(posExp, maskTensor(masks.pos, batch), true), this.options.alpha);
    const negLoss = tf.div(maskedLogSumExp(negExp, maskTensor(masks.neg, batch), true), this.options.beta);
    return this.reducer.reduce(tf.add(posLoss, negLoss), tf.scalar(1), batch.rows);
  }
}
