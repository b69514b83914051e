import { BOTH_ENGINES, augmentation, num, probability, type OptionsOf } from '../declare';

export const gaussianNoise = augmentation('gaussianNoise', 'Add Gaussian pixel noise. Cheap and useful for small images; too much noise makes the two views unrelated and the loss cannot fall.', {
  probability: probability(0.5),
  std: num('Standard deviation of the noise (pixel values are in [0, 1]).', 0.1, { minimum: 0, maximum: 1 }, [0.1, 0.05]),
}, { imageOnly: true, engines: BOTH_ENGINES });

export type GaussianNoiseOptions = OptionsOf<typeof gaussianNoise>;
