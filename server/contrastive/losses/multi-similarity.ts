// Multi-similarity loss (Wang et al. 2019), as pytorch-metric-learning's MultiSimilarityLoss:
// l_i = (1/α) log(1 + Σ_pos exp(−α(S_ij − base))) + (1/β) log(1 + Σ_neg exp(β(S_ik − base)))
// (mirrored for a distance); mean over all rows.
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import { meanReduce } from '../reducers/mean';
import { maskedLogSumExp } from '../tensor-utils';
import { margin, StatelessLoss } from './base';
import { labelledBatch, maskTensor, pairMasks } from './labelled-batch';
import type { LossInput } from './types';

export class MultiSimilarityLoss extends StatelessLoss {
  readonly type = 'multiSimilarity';
  readonly input = 'labelled';
  readonly supportsReference = true;
  readonly supportsMining = true;

  constructor(
    private readonly distance: Distance,
    private readonly alpha: number,
    private readonly beta: number,
    private readonly base: number,
  ) {
    super();
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const batch = labelledBatch(input, 'multiSimilarity loss', true);
      const masks = pairMasks(batch, input.tuples);
      const mat = this.distance.pairwise(batch.embeddings, batch.ref);
      const posExp = tf.mul(margin(this.distance, mat, this.base, tf), this.alpha) as tf.Tensor2D;
      const negExp = tf.mul(margin(this.distance, this.base, mat, tf), this.beta) as tf.Tensor2D;
      const posLoss = tf.div(maskedLogSumExp(posExp, maskTensor(masks.pos, batch), true), this.alpha);
      const negLoss = tf.div(maskedLogSumExp(negExp, maskTensor(masks.neg, batch), true), this.beta);
      return meanReduce(tf.add(posLoss, negLoss), tf.scalar(1), batch.rows);
    });
  }
}
