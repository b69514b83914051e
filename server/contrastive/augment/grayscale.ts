// Random grayscale (SimCLR's colour-dropping view): the chosen RGB images become their luminance
// (ITU-R BT.601 weights) on every channel. Without a view that removes colour, a network can tell
// images apart by hue alone and never learn shape. Greyscale images pass through unchanged.
import { tf } from '../backend';
import type { GrayscaleOptions } from './grayscale.decl';
import { type Augmentation, chooseSamples, imageShape, perSampleColumn } from './augmentation';

type Op = GrayscaleOptions;

export const LUMA_WEIGHTS: readonly [number, number, number] = [0.299, 0.587, 0.114];

export const grayscale: Augmentation<Op> = {
  type: 'grayscale',
  input: 'image',
  apply(batch, op, rng) {
    const [n, , , c] = imageShape(batch, op.type);
    const chosen = chooseSamples(n, op.probability, rng).map((x) => (x ? 1 : 0));
    if (c !== 3) return tf.clone(batch);
    // luma [n, h, w, 1] broadcasts over the channels (a tiled copy took 10 ms of a 64-image batch on wasm).
    const luma = tf.sum(tf.mul(batch, tf.tensor1d([...LUMA_WEIGHTS])), -1, true);
    return tf.add(batch, tf.mul(tf.sub(luma, batch), perSampleColumn(chosen, 4)));
  },
};
