// The interface every augmentation op implements, and small helpers they share.
import { tf } from '../backend';
import type { AugmentationOp } from './declarations';
import type { Random } from '../random';

/** Image ops take [N, H, W, C] float batches; vector ops take [N, D]. */
export type AugmentationInput = 'image' | 'vector';

export interface Augmentation<Op extends AugmentationOp = AugmentationOp> {
  readonly type: Op['type'];
  readonly input: AugmentationInput;
  /**
   * Returns a new batch of the same shape. Each sample is changed with probability `op.probability`;
   * all random draws come from `rng`, so the same generator state gives the same output.
   * Must not dispose `batch`; the pipeline runs it inside tf.tidy.
   */
  apply(batch: tf.Tensor, op: Op, rng: Random): tf.Tensor;
}

/** Which samples of a batch an op touches this time (one draw per sample). */
export function chooseSamples(count: number, probability: number, rng: Random): boolean[] {
  return Array.from({ length: count }, () => rng.bernoulli(probability));
}

/** A per-sample column [N, 1, ...] broadcastable against a batch of the given rank. */
export function perSampleColumn(values: ArrayLike<number>, rank: number): tf.Tensor {
  const shape = [values.length, ...new Array<number>(rank - 1).fill(1)];
  return tf.tensor(Float32Array.from(values), shape, 'float32');
}

export function imageShape(batch: tf.Tensor, type: string): [number, number, number, number] {
  if (batch.rank !== 4) {
    throw new Error(
      `augmentation '${type}' works on images [N, H, W, C] but got a tensor of shape [${batch.shape.join(', ')}]; ` +
        `use featureNoise / featureMask for vector data`,
    );
  }
  const [n, h, w, c] = batch.shape as [number, number, number, number];
  return [n, h, w, c];
}

export function vectorShape(batch: tf.Tensor, type: string): [number, number] {
  if (batch.rank !== 2) {
    throw new Error(
      `augmentation '${type}' works on vectors [N, D] but got a tensor of shape [${batch.shape.join(', ')}]; ` +
        `use the image augmentations for image data`,
    );
  }
  const [n, d] = batch.shape as [number, number];
  return [n, d];
}

/** The smallest u1 Box–Muller may see: 2^-24, the spacing of float32 just below 1. */
const SMALLEST_UNIFORM = 2 ** -24;

/**
 * Box–Muller: standard normals from two uniform tensors in [0, 1]. `1 − u1` goes into the log, and
 * it is clamped away from 0: a uniform draw just below 1 rounds to exactly 1.0 in float32 (about one
 * value in 2^25), and log(0) = −∞ would make that pixel ±∞ or NaN (±∞ · 0) — which, one pixel in
 * one batch out of a few dozen, killed every self-supervised run that used gaussianNoise.
 */
export function boxMuller(u1: tf.Tensor, u2: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const open = tf.maximum(tf.sub(1, u1), SMALLEST_UNIFORM); // (0, 1]: log is finite
    const radius = tf.sqrt(tf.mul(-2, tf.log(open)));
    return tf.mul(radius, tf.cos(tf.mul(2 * Math.PI, u2)));
  });
}

/**
 * Standard-normal noise of the given shape (times `std`), seeded. Box–Muller on two seeded uniform
 * tensors: several times faster than tf.randomNormal, whose per-element rejection sampling runs in
 * JavaScript.
 */
export function gaussianNoiseTensor(shape: readonly number[], std: number, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const u1 = tf.randomUniform([...shape], 0, 1, 'float32', seed);
    const u2 = tf.randomUniform([...shape], 0, 1, 'float32', (seed ^ 0x5bd1e995) >>> 0);
    return tf.mul(boxMuller(u1, u2), std);
  });
}
