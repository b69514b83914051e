// The base of the distribution distances (KL, Jensen–Shannon, Wasserstein-1D): each row becomes
// softmax(row / temperature), and the subclass compares those distributions.
import { tf } from '../backend';
import type { DistributionDistance } from './types';

export abstract class SoftmaxDistance implements DistributionDistance {
  abstract readonly type: 'kl' | 'jensenShannon' | 'wasserstein';
  readonly isInverted = false;

  constructor(readonly temperature: number, typeName: string) {
    if (!(temperature > 0)) throw new Error(`${typeName} distance: temperature must be > 0 (got ${temperature}).`);
  }

  distributions(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(tf.div(x, this.temperature)) as tf.Tensor2D);
  }

  abstract pairwise(x: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor2D;
}
