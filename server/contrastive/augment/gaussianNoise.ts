// Additive gaussian pixel noise with standard deviation `std`, on the chosen images only.
import { tf } from '../backend';
import type { GaussianNoiseOptions } from './gaussianNoise.decl';
import { type Augmentation, chooseSamples, gaussianNoiseTensor, imageShape, perSampleColumn } from './augmentation';

type Op = GaussianNoiseOptions;

export const gaussianNoise: Augmentation<Op> = {
  type: 'gaussianNoise',
  input: 'image',
  apply(batch, op, rng) {
    const [n] = imageShape(batch, op.type);
    const chosen = chooseSamples(n, op.probability, rng).map((c) => (c ? 1 : 0));
    const noise = gaussianNoiseTensor(batch.shape, op.std, rng.nextSeed());
    return tf.add(batch, tf.mul(noise, perSampleColumn(chosen, 4)));
  },
};
