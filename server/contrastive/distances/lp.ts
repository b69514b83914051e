// Minkowski (L_p) distances: euclidean (p=2), squared euclidean (p=2, power 2), manhattan (p=1).
// Matches pytorch-metric-learning's LpDistance: rows are first divided by their L_p norm when
// `normalize` is set (so p=1 L1-normalises), then D = (Σ|a−b|^p)^(1/p), then D^power.
import { tf } from '../backend';
import type { DistanceType } from './declarations';
import { eye, normalizeRows, safeSqrt } from '../tensor-utils';
import type { Distance } from './types';

export interface LpOptions {
  readonly p: 1 | 2;
  readonly normalize: boolean;
  readonly power: number;
}

export class LpDistance implements Distance {
  readonly isInverted = false;
  readonly type: DistanceType;

  constructor(readonly options: LpOptions) {
    if (!(options.power > 0)) throw new Error(`LpDistance: power must be > 0 (got ${options.power}).`);
    this.type = options.p === 1 ? 'manhattan' : options.power === 2 ? 'squaredEuclidean' : 'euclidean';
  }

  pairwise(x: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const { p, normalize, power } = this.options;
      const a = normalize ? normalizeRows(x, p) : x;
      const b = y === undefined ? a : normalize ? normalizeRows(y, p) : y;
      if (p === 1) {
        const d = manhattanMatrix(a, b);
        return (power === 1 ? d : tf.pow(d, power)) as tf.Tensor2D;
      }
      const squared = squaredEuclideanMatrix(a, b, y === undefined);
      if (power === 2) return squared;
      const d = safeSqrt(squared);
      return (power === 1 ? d : tf.pow(d, power)) as tf.Tensor2D;
    });
  }
}

/** Below this many n×m×d elements, differences are formed explicitly (exact near zero). */
const DIRECT_LIMIT = 1 << 20;

/**
 * ‖a_i − b_j‖². Small problems form the differences explicitly, which is exact for (near-)identical
 * rows; large ones use ‖a‖² + ‖b‖² − 2ab (no n×m×d tensor), clamped at 0, whose float32 rounding
 * (~1e-7·‖a‖²) only matters for nearly coincident points. In self mode the diagonal is exactly 0.
 */
export function squaredEuclideanMatrix(a: tf.Tensor2D, b: tf.Tensor2D, self: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    if (a.shape[0] * b.shape[0] * a.shape[1] <= DIRECT_LIMIT) {
      return tf.sum(tf.square(tf.sub(tf.expandDims(a, 1), tf.expandDims(b, 0))), 2) as tf.Tensor2D;
    }
    const aa = tf.sum(tf.square(a), 1, true);
    const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, b.shape[0]]);
    const cross = tf.matMul(a, b, false, true);
    const squared = tf.relu(tf.sub(tf.add(aa, bb), tf.mul(cross, 2)));
    if (!self) return squared as tf.Tensor2D;
    return tf.mul(squared, tf.sub(1, eye(a.shape[0]))) as tf.Tensor2D;
  });
}

/** Σ_k |a_ik − b_jk| (an n×m×d intermediate: there is no matrix-product shortcut for L1). */
export function manhattanMatrix(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const diff = tf.sub(tf.expandDims(a, 1), tf.expandDims(b, 0));
    return tf.sum(tf.abs(diff), 2) as tf.Tensor2D;
  });
}
