// Additive gaussian noise on vector features, with standard deviation `std`, on the chosen rows only.
import { tf } from '../backend';
import type { FeatureNoiseOptions } from './featureNoise.decl';
import { type Augmentation, chooseSamples, gaussianNoiseTensor, perSampleColumn, vectorShape } from './augmentation';

type Op = FeatureNoiseOptions;

export const featureNoise: Augmentation<Op> = {
  type: 'featureNoise',
  input: 'vector',
  apply(batch, op, rng) {
    const [n] = vectorShape(batch, op.type);
    const chosen = chooseSamples(n, op.probability, rng).map((c) => (c ? 1 : 0));
    const noise = gaussianNoiseTensor(batch.shape, op.std, rng.nextSeed());
    return tf.add(batch, tf.mul(noise, perSampleColumn(chosen, 2)));
  },
};
