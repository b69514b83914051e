// Wasserstein-1 distance between softmax histograms on bins 0..d−1 (unit spacing):
// D_ij = Σ_{k=0}^{d−2} |CDF_P_i(k) − CDF_Q_j(k)|, the last bin (both CDFs = 1) omitted.
import { tf } from '../backend';
import { manhattanMatrix } from './lp';
import { SoftmaxDistance } from './softmax-distance';

export class Wasserstein1D extends SoftmaxDistance {
  readonly type = 'wasserstein';

  constructor(temperature: number) {
    super(temperature, 'wasserstein');
  }

  pairwise(x: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const d = x.shape[1];
      // CDF via a product with an upper-triangular ones matrix U (d×(d−1)), U_lk = [l ≤ k].
      const u = tf.tidy(() => {
        const rows = tf.reshape(tf.range(0, d, 1, 'int32'), [d, 1]);
        const cols = tf.reshape(tf.range(0, d - 1, 1, 'int32'), [1, d - 1]);
        return tf.cast(tf.lessEqual(rows, cols), 'float32') as tf.Tensor2D;
      });
      const cdfP = tf.matMul(this.distributions(x), u) as tf.Tensor2D;
      const cdfQ = y === undefined ? cdfP : (tf.matMul(this.distributions(y), u) as tf.Tensor2D);
      return manhattanMatrix(cdfP, cdfQ);
    });
  }
}
