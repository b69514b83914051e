// Barlow Twins (Zbontar et al. 2021): each view batch-normalised per dimension with the biased
// variance and eps 1e-5 (BatchNorm1d(affine=False), training mode); C = zn1ᵀ zn2 / n;
// loss = Σ_a (1 − C_aa)² + λ Σ_{a≠b} C_ab².
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import { eye } from '../tensor-utils';
import type { barlowTwins } from './barlow-twins.decl';
import { StatelessLoss } from './base';
import { twoViews } from './two-views';
import type { LossInput } from './types';

const BATCH_NORM_EPS = 1e-5;

export class BarlowTwinsLoss extends StatelessLoss {
  readonly type = 'barlowTwins';
  readonly input = 'twoView';
  readonly supportsReference = false;
  readonly supportsMining = false;

  constructor(private readonly options: ParamsOf<typeof barlowTwins>) {
    super();
  }

  /** The two unweighted sums: Σ(1 − C_aa)² and Σ_{a≠b} C_ab². */
  parts(input: LossInput): { onDiagonal: tf.Scalar; offDiagonal: tf.Scalar } {
    return tf.tidy(() => {
      const { view1, view2 } = twoViews(input, 'barlowTwins loss');
      const [n, d] = view1.shape;
      const c = tf.div(tf.matMul(batchNormalise(view1), batchNormalise(view2), true, false), n);
      const identity = eye(d);
      const onDiagonal = tf.sum(tf.square(tf.mul(tf.sub(1, c), identity))) as tf.Scalar;
      const offDiagonal = tf.sum(tf.square(tf.mul(c, tf.sub(1, identity)))) as tf.Scalar;
      return { onDiagonal, offDiagonal };
    });
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const { onDiagonal, offDiagonal } = this.parts(input);
      return tf.add(onDiagonal, tf.mul(offDiagonal, this.options.lambda)) as tf.Scalar;
    });
  }
}

function batchNormalise(z: tf.Tensor2D): tf.Tensor2D {
  const { mean, variance } = tf.moments(z, 0, true);
  return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, BATCH_NORM_EPS)));
}
