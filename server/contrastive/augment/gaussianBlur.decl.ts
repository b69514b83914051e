import { BOTH_ENGINES, augmentation, int, probability, rangePair, type OptionsOf } from '../declare';

export const gaussianBlur = augmentation('gaussianBlur', 'Blur with a Gaussian kernel of random width. Part of the SimCLR/BYOL strong view for natural images; on tiny images use a small kernel.', {
  probability: probability(0.5),
  sigma: rangePair('Range of the blur standard deviation, in pixels.', [0.1, 2], 0, 20, [[0.1, 1]]),
  kernelSize: int('Width of the blur kernel in pixels (odd).', 3, { minimum: 3, maximum: 31 }, [3, 5]),
}, { imageOnly: true, engines: BOTH_ENGINES });

export type GaussianBlurOptions = OptionsOf<typeof gaussianBlur>;
