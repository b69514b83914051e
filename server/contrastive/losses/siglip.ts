// SigLIP (Zhai et al. 2023): x, y = L2-normalised views, t = exp(t′), z_ij = +1 on the diagonal
// and −1 elsewhere; loss = −(1/n) Σ_ij log σ(z_ij (t⟨x_i, y_j⟩ + b)) — divided by n, not n².
// t′ (logitScale) and b (logitBias) are variables owned by the loss.
import { tf } from '../backend';
import type { ParamsOf } from '../declare';
import { eye, normalizeRows } from '../tensor-utils';
import type { siglip } from './siglip.decl';
import { twoViews } from './two-views';
import type { Loss, LossInput } from './types';

export class SigLIPLoss implements Loss {
  readonly type = 'siglip';
  readonly input = 'twoView';
  readonly supportsReference = false;
  readonly supportsMining = false;
  readonly logitScale: tf.Variable;
  readonly logitBias: tf.Variable;
  readonly trainableVariables: readonly tf.Variable[];

  constructor({ logitScale, logitBias, learnable }: ParamsOf<typeof siglip>) {
    // In tidy: a variable keeps its own reference to the initial value, which would otherwise stay allocated.
    this.logitScale = tf.tidy(() => tf.variable(tf.scalar(logitScale), learnable));
    this.logitBias = tf.tidy(() => tf.variable(tf.scalar(logitBias), learnable));
    this.trainableVariables = learnable ? [this.logitScale, this.logitBias] : [];
  }

  compute(input: LossInput): tf.Scalar {
    return tf.tidy(() => {
      const { view1, view2 } = twoViews(input, 'siglip loss');
      const n = view1.shape[0];
      const cosines = tf.matMul(normalizeRows(view1), normalizeRows(view2), false, true);
      const logits = tf.add(tf.mul(cosines, tf.exp(this.logitScale)), this.logitBias);
      const signs = tf.sub(tf.mul(eye(n), 2), 1);
      // −log σ(u) = softplus(−u)
      return tf.div(tf.sum(tf.softplus(tf.neg(tf.mul(signs, logits)))), n) as tf.Scalar;
    });
  }

  dispose(): void {
    this.logitScale.dispose();
    this.logitBias.dispose();
  }
}
