// Additive gaussian pixel noise with standard deviation `std`, on the chosen images only.
import { tf } from '../backend';
import type { GaussianNoiseOptions } from './gaussianNoise.decl';
import { type Augmentation, chooseSamples, chosenRowsNoiseTensor, imageShape } from './augmentation';

type Op = GaussianNoiseOptions;

export const gaussianNoise: Augmentation<Op> = {
  type: 'gaussianNoise',
  input: 'image',
  apply(batch, op, rng) {
    const [n] = imageShape(batch, op.type);
    const chosen = chooseSamples(n, op.probability, rng);
    return tf.add(batch, chosenRowsNoiseTensor(batch.shape, chosen, op.std, rng.nextSeed()));
  },
};
