// VICReg (Bardes et al. 2022), as pytorch-metric-learning's VICRegLoss(view1, ref_emb=view2):
// invariance = mean (z − z′)²; variance v(Z) = mean_d relu(1 − sqrt(var_d(Z) + eps))/2 with the
// unbiased variance; covariance c(Z) = Σ_{a≠b} C_ab² / D with C = Zcᵀ Zc / (N − 1);
// loss = λ·inv + μ·(v(Z) + v(Z′)) + ν·(c(Z) + c(Z′)).
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import { eye } from '../tensor-utils';
import { StatelessLoss } from './base';
import { twoViews } from './two-views';
import type { LossInput } from './types';
import type { vicreg } from './vicreg.decl';

export interface VICRegComponents {
  readonly invariance: tf.Scalar;
  readonly variance1: tf.Scalar;
  readonly variance2: tf.Scalar;
  readonly covariance: tf.Scalar;
}

export class VICRegLoss extends StatelessLoss {
  readonly type = 'vicreg';
  readonly input = 'twoView';
  readonly supportsReference = false;
  readonly supportsMining = false;

  constructor(private readonly weights: ParamsOf<typeof vicreg>) {
    super();
  }

  /** The four weighted terms (their sum is the loss). */
  components(input: LossInput): VICRegComponents {
    return tf.tidy(() => {
      const { view1, view2 } = twoViews(input, 'vicreg loss');
      const { invarianceWeight, varianceWeight, covarianceWeight, eps } = this.weights;
      const invariance = tf.mul(tf.mean(tf.squaredDifference(view1, view2)), invarianceWeight) as tf.Scalar;
      const [c1, c2] = [centred(view1), centred(view2)];
      const variance1 = tf.mul(varianceTerm(c1, eps), varianceWeight) as tf.Scalar;
      const variance2 = tf.mul(varianceTerm(c2, eps), varianceWeight) as tf.Scalar;
      const covariance = tf.mul(tf.add(covarianceTerm(c1), covarianceTerm(c2)), covarianceWeight) as tf.Scalar;
      return { invariance, variance1, variance2, covariance };
    });
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const c = this.components(input);
      return tf.addN([c.invariance, c.variance1, c.variance2, c.covariance]) as tf.Scalar;
    });
  }
}

function centred(z: tf.Tensor2D): tf.Tensor2D {
  return tf.sub(z, tf.mean(z, 0, true));
}

function varianceTerm(zc: tf.Tensor2D, eps: number): tf.Scalar {
  const unbiasedVar = tf.div(tf.sum(tf.square(zc), 0), zc.shape[0] - 1);
  return tf.div(tf.mean(tf.relu(tf.sub(1, tf.sqrt(tf.add(unbiasedVar, eps))))), 2) as tf.Scalar;
}

function covarianceTerm(zc: tf.Tensor2D): tf.Scalar {
  const [n, d] = zc.shape;
  const cov = tf.div(tf.matMul(zc, zc, true, false), n - 1);
  const offDiagonal = tf.mul(cov, tf.sub(1, eye(d)));
  return tf.div(tf.sum(tf.square(offDiagonal)), d) as tf.Scalar;
}
