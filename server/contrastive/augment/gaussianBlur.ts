// Random gaussian blur with a per-image sigma uniform in `sigma`, kernel `kernelSize` × `kernelSize`
// (odd; on images too small for it, the largest odd size that fits), reflect-padded borders. Per-image kernels run as ONE separable depthwise convolution: the
// batch is folded into the channel axis ([N,H,W,C] → [1,H,W,N·C]) so each channel gets its own image's
// kernel; unchosen images get the identity kernel.
import { tf } from '../backend';
import type { GaussianBlurOptions } from './gaussianBlur.decl';
import { type Augmentation, imageShape } from './augmentation';

type Op = GaussianBlurOptions;

/** Normalised 1-D gaussian weights of odd length `size`; sigma 0 gives the identity kernel. */
export function gaussianKernel1d(size: number, sigma: number): Float32Array {
  const radius = (size - 1) / 2;
  const weights = new Float32Array(size);
  if (sigma <= 0) {
    weights[radius] = 1;
    return weights;
  }
  let total = 0;
  for (let t = 0; t < size; t++) {
    const v = Math.exp(-((t - radius) ** 2) / (2 * sigma * sigma));
    weights[t] = v;
    total += v;
  }
  for (let t = 0; t < size; t++) weights[t] = (weights[t] as number) / total;
  return weights;
}

export const gaussianBlur: Augmentation<Op> = {
  type: 'gaussianBlur',
  input: 'image',
  apply(batch, op, rng) {
    const [n, h, w, c] = imageShape(batch, op.type);
    if (!Number.isInteger(op.kernelSize) || op.kernelSize < 1 || op.kernelSize % 2 === 0) {
      throw new Error(`gaussianBlur.kernelSize must be an odd positive integer, got ${op.kernelSize}; use e.g. 3, 5 or 7`);
    }
    // Reflect padding needs radius < image side; a wider kernel would only repeat mirrored pixels.
    const radius = Math.min((op.kernelSize - 1) / 2, Math.min(h, w) - 1);
    const size = 2 * radius + 1;
    const channels = n * c;
    // Filter layout [size, 1, N·C, 1]: entry (t, channel) at t·N·C + channel.
    const filter = new Float32Array(size * channels);
    for (let i = 0; i < n; i++) {
      const sigma = rng.bernoulli(op.probability) ? rng.uniform(op.sigma[0], op.sigma[1]) : 0;
      const kernel = gaussianKernel1d(size, sigma);
      for (let t = 0; t < size; t++) {
        for (let ch = 0; ch < c; ch++) filter[t * channels + i * c + ch] = kernel[t] as number;
      }
    }
    const folded = tf.reshape(tf.transpose(batch, [1, 2, 0, 3]), [1, h, w, channels]) as tf.Tensor4D;
    const padded = tf.mirrorPad(folded, [[0, 0], [radius, radius], [radius, radius], [0, 0]], 'reflect');
    const vertical = tf.depthwiseConv2d(padded, tf.tensor4d(filter, [size, 1, channels, 1]), 1, 'valid');
    const blurred = tf.depthwiseConv2d(vertical, tf.tensor4d(filter, [1, size, channels, 1]), 1, 'valid');
    return tf.transpose(tf.reshape(blurred, [h, w, n, c]), [2, 0, 1, 3]);
  },
};
