// Random affine transform about the image centre: rotation in [−degrees, degrees], translation up
// to `translate` × the image size on each axis, isotropic scale in `scale`. Uncovered pixels are 0.
// One tf.image.transform call with a projective matrix per sample.
import { tf } from '../backend';
import type { AffineOptions } from './affine.decl';
import { type Augmentation, imageShape } from './augmentation';

type Op = AffineOptions;

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0] as const;

/**
 * tf.image.transform maps each output pixel (x, y) to the input point it samples, so this is the
 * inverse of "rotate by θ and scale by s about the centre c, then shift by t":
 * input = c + R(−θ)·(output − c − t) / s.
 */
export function inverseAffineMatrix(angleRadians: number, scale: number, shiftX: number, shiftY: number, height: number, width: number): number[] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const cos = Math.cos(angleRadians) / scale;
  const sin = Math.sin(angleRadians) / scale;
  const ox = cx + shiftX;
  const oy = cy + shiftY;
  return [cos, sin, cx - cos * ox - sin * oy, -sin, cos, cy + sin * ox - cos * oy, 0, 0];
}

export const affine: Augmentation<Op> = {
  type: 'affine',
  input: 'image',
  apply(batch, op, rng) {
    const [n, h, w] = imageShape(batch, op.type);
    const matrices = new Float32Array(n * 8);
    for (let i = 0; i < n; i++) {
      if (!rng.bernoulli(op.probability)) {
        matrices.set(IDENTITY, i * 8);
        continue;
      }
      const angle = (rng.uniform(-op.degrees, op.degrees) * Math.PI) / 180;
      const shiftX = rng.uniform(-op.translate, op.translate) * w;
      const shiftY = rng.uniform(-op.translate, op.translate) * h;
      const scale = rng.uniform(op.scale[0], op.scale[1]);
      matrices.set(inverseAffineMatrix(angle, scale, shiftX, shiftY, h, w), i * 8);
    }
    const transforms = tf.tensor2d(matrices, [n, 8]);
    if (tf.getBackend() === 'cpu') {
      // tfjs-backend-cpu 4.22's Transform kernel returns the fill value for every image after the
      // first in a batch, so on cpu each image goes through its own call.
      const images = tf.split(batch, n, 0).map((image, i) =>
        tf.image.transform(image as tf.Tensor4D, tf.slice(transforms, [i, 0], [1, 8]), 'bilinear', 'constant', 0, [h, w]),
      );
      return tf.concat(images, 0);
    }
    return tf.image.transform(batch as tf.Tensor4D, transforms, 'bilinear', 'constant', 0, [h, w]);
  },
};
