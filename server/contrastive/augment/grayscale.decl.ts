import { BOTH_ENGINES, augmentation, probability, type OptionsOf } from '../declare';

export const grayscale = augmentation('grayscale', 'Replace an RGB image by its luminance (0.299 R + 0.587 G + 0.114 B) on every channel. SimCLR uses it with probability 0.2 in both views so the network cannot rely on colour. Greyscale images pass unchanged.', {
  probability: probability(0.2),
}, { imageOnly: true, engines: BOTH_ENGINES });

export type GrayscaleOptions = OptionsOf<typeof grayscale>;
