import { BOTH_ENGINES, augmentation, num, probability, type OptionsOf } from '../declare';

export const brightness = augmentation('brightness', 'Add a random offset to every pixel (after normalisation to [0, 1]). A colour-jitter component of SimCLR; prevents the network from matching views by overall brightness.', {
  probability: probability(0.8),
  delta: num('Maximum offset, either way.', 0.4, { minimum: 0, maximum: 1 }, [0.4, 0.2]),
}, { imageOnly: true, engines: BOTH_ENGINES });

export type BrightnessOptions = OptionsOf<typeof brightness>;
