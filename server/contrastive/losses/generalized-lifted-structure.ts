// Generalised lifted structure loss (Hermans et al. 2017), as pytorch-metric-learning's
// GeneralizedLiftedStructureLoss: per row, relu(logsumexp_pos(D − posMargin) +
// logsumexp_neg(negMargin − D)) with an empty logsumexp = 0; reduced over all rows (default: mean).
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import type { Distance } from '../distances/types';
import { meanReducer } from '../reducers/mean';
import type { Reducer } from '../reducers/types';
import { maskedLogSumExp } from '../tensor-utils';
import { margin } from './base';
import type { generalizedLiftedStructure } from './generalized-lifted-structure.decl';
import { maskTensor } from './labelled-batch';
import { PairLoss, type PairBatch } from './pair-loss';

export class GeneralizedLiftedStructureLoss extends PairLoss {
  readonly type = 'generalizedLiftedStructure';
  readonly supportsReference = true;

  constructor(
    distance: Distance,
    private readonly options: ParamsOf<typeof generalizedLiftedStructure>,
    reducer: Reducer = meanReducer,
  ) {
    super(distance, reducer);
  }

  protected formula({ batch, masks, mat }: PairBatch): tf.Scalar {
    const pos = maskedLogSumExp(margin(this.distance, mat, this.options.posMargin, tf) as tf.Tensor2D, maskTensor(masks.pos, batch));
    const neg = maskedLogSumExp(margin(this.distance, this.options.negMargin, mat, tf) as tf.Tensor2D, maskTensor(masks.neg, batch));
    return this.reducer.reduce(tf.relu(tf.add(pos, neg)), tf.scalar(1), batch.rows);
  }
}
