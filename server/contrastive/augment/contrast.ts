// Random contrast: per image a factor f uniform in `range`; each channel becomes
// (x − mean) · f + mean, with the mean over that image's pixels (as tf.image's adjust_contrast).
// Written as x + (x − mean)·(f − 1) so that unchosen images (f = 1) come back bit-for-bit.
import { tf } from '../backend';
import type { ContrastOptions } from './contrast.decl';
import { type Augmentation, imageShape, perSampleColumn } from './augmentation';

type Op = ContrastOptions;

export const contrast: Augmentation<Op> = {
  type: 'contrast',
  input: 'image',
  apply(batch, op, rng) {
    const [n] = imageShape(batch, op.type);
    const factorsMinusOne = Array.from({ length: n }, () => (rng.bernoulli(op.probability) ? rng.uniform(op.range[0], op.range[1]) - 1 : 0));
    const mean = tf.mean(batch, [1, 2], true);
    return tf.add(batch, tf.mul(tf.sub(batch, mean), perSampleColumn(factorsMinusOne, 4)));
  },
};
