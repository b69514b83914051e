// Additive gaussian noise on vector features, with standard deviation `std`, on the chosen rows only.
import { tf } from '../backend';
import type { FeatureNoiseOptions } from './featureNoise.decl';
import { type Augmentation, chooseSamples, chosenRowsNoiseTensor, vectorShape } from './augmentation';

type Op = FeatureNoiseOptions;

export const featureNoise: Augmentation<Op> = {
  type: 'featureNoise',
  input: 'vector',
  apply(batch, op, rng) {
    const [n] = vectorShape(batch, op.type);
    const chosen = chooseSamples(n, op.probability, rng);
    return tf.add(batch, chosenRowsNoiseTensor(batch.shape, chosen, op.std, rng.nextSeed()));
  },
};
