// Circle loss (Sun et al. 2020), as pytorch-metric-learning's CircleLoss, on a similarity S:
// α_p = relu(1 + m − S_ip), α_n = relu(S_in + m) (constants in backprop),
// l_i = softplus(lse_p(−γ α_p (S_ip − (1 − m))) + lse_n(γ α_n (S_in − m))); rows lacking positives
// or negatives are 0; reduced over the rows (default: over the non-zero ones).
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import type { Distance } from '../distances/types';
import { avgNonZeroReducer } from '../reducers/avg-non-zero';
import type { Reducer } from '../reducers/types';
import { maskedLogSumExp, stopGradient } from '../tensor-utils';
import type { circle } from './circle.decl';
import { maskTensor } from './labelled-batch';
import { PairLoss, type PairBatch } from './pair-loss';

export class CircleLoss extends PairLoss {
  readonly type = 'circle';
  readonly supportsReference = true;

  constructor(
    distance: Distance,
    private readonly options: ParamsOf<typeof circle>,
    reducer: Reducer = avgNonZeroReducer,
  ) {
    super(distance, reducer);
    if (!distance.isInverted) {
      throw new Error(`circle loss needs a similarity (larger = closer), but the distance "${distance.type}" is not one. Use distance: { type: cosine } or { type: dot }.`);
    }
  }

  protected formula({ batch, masks, mat: sim }: PairBatch): tf.Scalar {
    const fixedSim = stopGradient(sim);
    const alphaP = tf.relu(tf.sub(1 + this.options.m, fixedSim));
    const alphaN = tf.relu(tf.add(fixedSim, this.options.m));
    const posLogits = tf.mul(tf.mul(alphaP, -this.options.gamma), tf.sub(sim, 1 - this.options.m)) as tf.Tensor2D;
    const negLogits = tf.mul(tf.mul(alphaN, this.options.gamma), tf.sub(sim, this.options.m)) as tf.Tensor2D;
    const pos = maskTensor(masks.pos, batch);
    const neg = maskTensor(masks.neg, batch);
    const rowHasBoth = tf.mul(tf.step(tf.sum(pos, 1)), tf.step(tf.sum(neg, 1)));
    const terms = tf.mul(tf.softplus(tf.add(maskedLogSumExp(posLogits, pos), maskedLogSumExp(negLogits, neg))), rowHasBoth);
    return this.reducer.reduce(terms, tf.scalar(1), batch.rows);
  }
}
