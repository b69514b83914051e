// Jensen–Shannon divergence (not its square root) between softmax distributions:
// M = (P_i + Q_j)/2, D_ij = ½KL(P_i‖M) + ½KL(Q_j‖M) = ½ΣP log P + ½ΣQ log Q − ΣM log M  (≤ ln 2).
import { tf } from '../backend';
import { SoftmaxDistance } from './softmax-distance';

/** Keeps log finite where a probability underflows to 0 in float32 (0·log 0 = 0). */
const TINY = 1e-30;

export class JensenShannonDivergence extends SoftmaxDistance {
  readonly type = 'jensenShannon';

  constructor(temperature: number) {
    super(temperature, 'jensenShannon');
  }

  pairwise(x: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const logP = tf.logSoftmax(tf.div(x, this.temperature));
      const logQ = y === undefined ? logP : tf.logSoftmax(tf.div(y, this.temperature));
      const p = tf.exp(logP);
      const q = tf.exp(logQ);
      const pTerm = tf.sum(tf.mul(p, logP), 1, true); // n×1
      const qTerm = tf.reshape(tf.sum(tf.mul(q, logQ), 1), [1, q.shape[0]]); // 1×m
      const m = tf.mul(tf.add(tf.expandDims(p, 1), tf.expandDims(q, 0)), 0.5); // n×m×d
      const mTerm = tf.sum(tf.mul(m, tf.log(tf.maximum(m, TINY))), 2);
      return tf.sub(tf.mul(tf.add(pTerm, qTerm), 0.5), mTerm) as tf.Tensor2D;
    });
  }
}
