// Cutout (DeVries & Taylor 2017): `count` squares per chosen image are set to 0. Each square's side
// is `size` pixels (as the schema says); its centre is uniform over the image and it is clipped at
// the border. Masks are built as tensors from per-square
// row and column ranges, never pixel by pixel.
import { tf } from '../backend';
import type { CutoutOptions } from './cutout.decl';
import { type Augmentation, imageShape } from './augmentation';

type Op = CutoutOptions;

/** Indicator [N·count, length] of start ≤ position < end for each square. */
function rangeMask(starts: Float32Array, ends: Float32Array, length: number): tf.Tensor2D {
  const positions = tf.range(0, length, 1, 'float32').reshape([1, length]);
  const lower = tf.greaterEqual(positions, tf.tensor2d(starts, [starts.length, 1]));
  const upper = tf.less(positions, tf.tensor2d(ends, [ends.length, 1]));
  return tf.cast(tf.logicalAnd(lower, upper), 'float32') as tf.Tensor2D;
}

export const cutout: Augmentation<Op> = {
  type: 'cutout',
  input: 'image',
  apply(batch, op, rng) {
    const [n, h, w] = imageShape(batch, op.type);
    const count = Math.max(0, Math.floor(op.count));
    if (count === 0) return tf.clone(batch);
    const squareH = Math.min(h, Math.max(1, Math.round(op.size)));
    const squareW = Math.min(w, Math.max(1, Math.round(op.size)));
    const rowStart = new Float32Array(n * count);
    const rowEnd = new Float32Array(n * count);
    const colStart = new Float32Array(n * count);
    const colEnd = new Float32Array(n * count);
    for (let i = 0; i < n; i++) {
      if (!rng.bernoulli(op.probability)) continue; // empty ranges: nothing cut
      for (let q = 0; q < count; q++) {
        const cy = rng.nextInt(h);
        const cx = rng.nextInt(w);
        const slot = i * count + q;
        rowStart[slot] = Math.max(0, cy - Math.floor(squareH / 2));
        rowEnd[slot] = Math.min(h, cy - Math.floor(squareH / 2) + squareH);
        colStart[slot] = Math.max(0, cx - Math.floor(squareW / 2));
        colEnd[slot] = Math.min(w, cx - Math.floor(squareW / 2) + squareW);
      }
    }
    const rows = rangeMask(rowStart, rowEnd, h).reshape([n, count, h, 1]);
    const cols = rangeMask(colStart, colEnd, w).reshape([n, count, 1, w]);
    const cut = tf.max(tf.mul(rows, cols), 1).reshape([n, h, w, 1]);
    return tf.mul(batch, tf.sub(1, cut));
  },
};
