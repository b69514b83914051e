// Random hue rotation: each chosen RGB image is rotated about the grey axis (1, 1, 1) of colour space
// by an angle uniform in ±delta·360°, so greys stay grey, saturation and brightness are kept, and
// red can become green or blue. The colour-jitter component that stops a network from matching
// views by hue. Greyscale images pass through unchanged.
import { tf } from '../backend';
import type { HueOptions } from './hue.decl';
import { type Augmentation, imageShape } from './augmentation';

type Op = HueOptions;

/** The 3×3 rotation about (1,1,1)/√3 by `angle` radians (Rodrigues), row-major, acting on column vectors. */
export function hueRotation(angle: number): number[] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle) / Math.sqrt(3);
  const third = (1 - cos) / 3;
  return [cos + third, third - sin, third + sin, third + sin, cos + third, third - sin, third - sin, third + sin, cos + third];
}

export const hue: Augmentation<Op> = {
  type: 'hue',
  input: 'image',
  apply(batch, op, rng) {
    const [n, h, w, c] = imageShape(batch, op.type);
    const matrices = new Float32Array(n * 9);
    for (let i = 0; i < n; i++) {
      const angle = rng.bernoulli(op.probability) ? rng.uniform(-op.delta, op.delta) * 2 * Math.PI : 0;
      matrices.set(hueRotation(angle), i * 9);
    }
    if (c !== 3) return tf.clone(batch);
    // out[n, p, :] = x[n, p, :] · R_nᵀ for every pixel p.
    const pixels = tf.reshape(batch, [n, h * w, 3]);
    const rotated = tf.matMul(pixels, tf.tensor3d(matrices, [n, 3, 3]), false, true);
    return tf.reshape(rotated, [n, h, w, c]);
  },
};
