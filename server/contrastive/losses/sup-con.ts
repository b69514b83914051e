// Supervised contrastive loss (Khosla et al. 2020), as pytorch-metric-learning's SupConLoss:
// S = similarity/τ; l_i = −(1/|P(i)|) Σ_{j∈P(i)} [S_ij − log Σ_{k≠i} exp S_ik] (all other samples
// in the denominator, positives included); averaged over the rows with a non-zero loss.
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import { avgNonZeroReduce } from '../reducers/avg-non-zero';
import { maskedLogSumExp, zeroLoss } from '../tensor-utils';
import { StatelessLoss } from './base';
import { labelledBatch, maskTensor, pairMasks } from './labelled-batch';
import type { LossInput } from './types';

export class SupConLoss extends StatelessLoss {
  readonly type = 'supCon';
  readonly input = 'labelled';
  readonly supportsReference = true;
  readonly supportsMining = true;

  constructor(
    private readonly distance: Distance,
    private readonly temperature: number,
  ) {
    super();
    if (!(temperature > 0)) throw new Error(`supCon loss: temperature must be > 0 (got ${temperature}).`);
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const batch = labelledBatch(input, 'supCon loss', true);
      const masks = pairMasks(batch, input.tuples);
      const mat = this.distance.pairwise(batch.embeddings, batch.ref);
      if (masks.posCount === 0 || masks.negCount === 0) return zeroLoss(mat);
      const logits = tf.div(this.distance.isInverted ? mat : tf.neg(mat), this.temperature) as tf.Tensor2D;
      const pos = maskTensor(masks.pos, batch);
      const denominator = maskedLogSumExp(logits, tf.add(pos, maskTensor(masks.neg, batch)) as tf.Tensor2D);
      const logProb = tf.sub(logits, tf.reshape(denominator, [batch.rows, 1]));
      const meanLogProbPos = tf.div(tf.sum(tf.mul(pos, logProb), 1), tf.add(tf.sum(pos, 1), 1e-30));
      return avgNonZeroReduce(tf.neg(meanLogProbPos), tf.scalar(1));
    });
  }
}
