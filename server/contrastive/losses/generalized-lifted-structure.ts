// Generalised lifted structure loss (Hermans et al. 2017), as pytorch-metric-learning's
// GeneralizedLiftedStructureLoss: per row, relu(logsumexp_pos(D − posMargin) +
// logsumexp_neg(negMargin − D)) with an empty logsumexp = 0; mean over all rows.
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import { meanReduce } from '../reducers/mean';
import { maskedLogSumExp } from '../tensor-utils';
import { margin, StatelessLoss } from './base';
import { labelledBatch, maskTensor, pairMasks } from './labelled-batch';
import type { LossInput } from './types';

export class GeneralizedLiftedStructureLoss extends StatelessLoss {
  readonly type = 'generalizedLiftedStructure';
  readonly input = 'labelled';
  readonly supportsReference = true;
  readonly supportsMining = true;

  constructor(
    private readonly distance: Distance,
    private readonly posMargin: number,
    private readonly negMargin: number,
  ) {
    super();
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const batch = labelledBatch(input, 'generalizedLiftedStructure loss', true);
      const masks = pairMasks(batch, input.tuples);
      const mat = this.distance.pairwise(batch.embeddings, batch.ref);
      const pos = maskedLogSumExp(margin(this.distance, mat, this.posMargin, tf) as tf.Tensor2D, maskTensor(masks.pos, batch));
      const neg = maskedLogSumExp(margin(this.distance, this.negMargin, mat, tf) as tf.Tensor2D, maskTensor(masks.neg, batch));
      return meanReduce(tf.relu(tf.add(pos, neg)), tf.scalar(1), batch.rows);
    });
  }
}
