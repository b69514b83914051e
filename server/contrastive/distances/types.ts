// The distance contract: every loss and miner is written against it, so any loss works with any
// sensible distance. A distance says whether larger means closer (similarities are "inverted").
import type { tf } from '../backend';
import type { DistanceType } from './declarations';

export interface Distance {
  readonly type: DistanceType;
  /** True when larger values mean closer (similarities: cosine, dot). */
  readonly isInverted: boolean;
  /**
   * Pairwise matrix, differentiable with respect to both inputs: dist(x, x) (n×n) when `y` is
   * omitted, dist(x, y) (n×m) otherwise. Gradients are finite everywhere, including the zero
   * diagonal of a self matrix.
   */
  pairwise(x: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor2D;
}

/** Distances defined on softmax distributions of the rows (KL, Jensen–Shannon, Wasserstein-1D). */
export interface DistributionDistance extends Distance {
  /** The softmax(row / temperature) distributions the matrix is computed from. */
  distributions(x: tf.Tensor2D): tf.Tensor2D;
}

export function isDistributionDistance(d: Distance): d is DistributionDistance {
  return typeof (d as Partial<DistributionDistance>).distributions === 'function';
}
