// Kullback–Leibler divergence between the rows' softmax distributions:
// P_i = softmax(a_i/T), Q_j = softmax(b_j/T), D_ij = Σ_k P_ik (log P_ik − log Q_jk).
import { tf } from '../backend';
import { SoftmaxDistance } from './softmax-distance';

export class KLDivergence extends SoftmaxDistance {
  readonly type = 'kl';

  constructor(temperature: number) {
    super(temperature, 'kl');
  }

  pairwise(x: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const logP = tf.logSoftmax(tf.div(x, this.temperature));
      const logQ = y === undefined ? logP : tf.logSoftmax(tf.div(y, this.temperature));
      const p = tf.exp(logP);
      const entropyTerm = tf.sum(tf.mul(p, logP), 1, true); // Σ P log P, per row i
      return tf.sub(entropyTerm, tf.matMul(p, logQ, false, true)) as tf.Tensor2D;
    });
  }
}
