// Circle loss (Sun et al. 2020), as pytorch-metric-learning's CircleLoss, on a similarity S:
// α_p = relu(1 + m − S_ip), α_n = relu(S_in + m) (constants in backprop),
// l_i = softplus(lse_p(−γ α_p (S_ip − (1 − m))) + lse_n(γ α_n (S_in − m))); rows lacking positives
// or negatives are 0; averaged over the non-zero rows.
import { tf } from '../backend';
import type { Distance } from '../distances/types';
import { avgNonZeroReduce } from '../reducers/avg-non-zero';
import { maskedLogSumExp, stopGradient } from '../tensor-utils';
import { StatelessLoss } from './base';
import { labelledBatch, maskTensor, pairMasks } from './labelled-batch';
import type { LossInput } from './types';

export class CircleLoss extends StatelessLoss {
  readonly type = 'circle';
  readonly input = 'labelled';
  readonly supportsReference = true;
  readonly supportsMining = true;

  constructor(
    private readonly distance: Distance,
    private readonly m: number,
    private readonly gamma: number,
  ) {
    super();
    if (!distance.isInverted) {
      throw new Error(`circle loss needs a similarity (larger = closer), but the distance "${distance.type}" is not one. Use distance: { type: cosine } or { type: dot }.`);
    }
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const batch = labelledBatch(input, 'circle loss', true);
      const masks = pairMasks(batch, input.tuples);
      const sim = this.distance.pairwise(batch.embeddings, batch.ref);
      const fixedSim = stopGradient(sim);
      const alphaP = tf.relu(tf.sub(1 + this.m, fixedSim));
      const alphaN = tf.relu(tf.add(fixedSim, this.m));
      const posLogits = tf.mul(tf.mul(alphaP, -this.gamma), tf.sub(sim, 1 - this.m)) as tf.Tensor2D;
      const negLogits = tf.mul(tf.mul(alphaN, this.gamma), tf.sub(sim, this.m)) as tf.Tensor2D;
      const pos = maskTensor(masks.pos, batch);
      const neg = maskTensor(masks.neg, batch);
      const rowHasBoth = tf.mul(tf.step(tf.sum(pos, 1)), tf.step(tf.sum(neg, 1)));
      const terms = tf.mul(tf.softplus(tf.add(maskedLogSumExp(posLogits, pos), maskedLogSumExp(negLogits, neg))), rowHasBoth);
      return avgNonZeroReduce(terms, tf.scalar(1));
    });
  }
}
