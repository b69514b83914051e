// Random brightness: adds one offset per image, uniform in [−delta, delta] (as tf.image's
// adjust_brightness). No clipping, because inputs may be standardised rather than in [0, 1].
import { tf } from '../backend';
import type { BrightnessOptions } from './brightness.decl';
import { type Augmentation, imageShape, perSampleColumn } from './augmentation';

type Op = BrightnessOptions;

export const brightness: Augmentation<Op> = {
  type: 'brightness',
  input: 'image',
  apply(batch, op, rng) {
    const [n] = imageShape(batch, op.type);
    const offsets = Array.from({ length: n }, () => (rng.bernoulli(op.probability) ? rng.uniform(-op.delta, op.delta) : 0));
    return tf.add(batch, perSampleColumn(offsets, 4));
  },
};
