// Negative cosine regression of BYOL / SimSiam, one direction: p = online predictions,
// z = target projections (stop-gradient). SimSiam: −mean cos(p, z); BYOL: mean ‖p̂ − ẑ‖² = mean(2 − 2cos).
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import { normalizeRows, stopGradient } from '../tensor-utils';
import { StatelessLoss } from './base';
import type { negativeCosine } from './negative-cosine.decl';
import type { LossInput } from './types';

export class NegativeCosineLoss extends StatelessLoss {
  readonly type = 'negativeCosine';
  readonly input = 'onlineTarget';
  readonly supportsReference = false;
  readonly supportsMining = false;

  constructor(private readonly options: ParamsOf<typeof negativeCosine>) {
    super();
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      let online: tf.Tensor2D;
      let target: tf.Tensor2D;
      if (input.views !== undefined && 'online' in input.views) ({ online, target } = input.views);
      else if (input.embeddings !== undefined && input.refEmbeddings !== undefined) [online, target] = [input.embeddings, input.refEmbeddings];
      else throw new Error('negativeCosine loss needs { views: { online, target } }: the online branch\'s predictions and the target branch\'s projections.');
      if (online.shape[0] !== target.shape[0] || online.shape[1] !== target.shape[1]) {
        throw new Error(`negativeCosine loss: online is ${online.shape.join('×')} but target is ${target.shape.join('×')}; they must have the same shape.`);
      }
      const cosines = tf.sum(tf.mul(normalizeRows(online), normalizeRows(stopGradient(target))), 1);
      return (this.options.form === 'simsiam' ? tf.neg(tf.mean(cosines)) : tf.mean(tf.sub(2, tf.mul(cosines, 2)))) as tf.Scalar;
    });
  }
}
