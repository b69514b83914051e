// Similarities (larger = closer): dot product, optionally on L2-normalised rows; cosine is the
// normalised dot product. Matches pytorch-metric-learning's DotProductSimilarity / CosineSimilarity.
import { tf } from '../backend';
import { normalizeRows } from '../tensor-utils';
import type { Distance } from './types';

export class DotProductSimilarity implements Distance {
  readonly isInverted = true;

  constructor(
    readonly type: 'dot' | 'cosine',
    readonly normalize: boolean,
  ) {}

  pairwise(x: tf.Tensor2D, y?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const a = this.normalize ? normalizeRows(x, 2) : x;
      const b = y === undefined ? a : this.normalize ? normalizeRows(y, 2) : y;
      return tf.matMul(a, b, false, true);
    });
  }
}

export function cosineSimilarity(): DotProductSimilarity {
  return new DotProductSimilarity('cosine', true);
}
