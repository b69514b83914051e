import { BOTH_ENGINES, augmentation, num, probability, type OptionsOf } from '../declare';

export const featureNoise = augmentation('featureNoise', 'For vectors: add Gaussian noise to every feature (after normalisation). The vector analogue of pixel noise; with `standardize`, 0.1 is a tenth of a standard deviation.', {
  probability: probability(1),
  std: num('Standard deviation of the noise.', 0.1, { minimum: 0, maximum: 10 }, [0.1, 0.3]),
}, { imageOnly: false, engines: BOTH_ENGINES });

export type FeatureNoiseOptions = OptionsOf<typeof featureNoise>;
