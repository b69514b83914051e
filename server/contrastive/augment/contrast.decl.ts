import { BOTH_ENGINES, augmentation, probability, rangePair, type OptionsOf } from '../declare';

export const contrast = augmentation('contrast', 'Scale pixel deviations from the mean by a random factor. With brightness it forms colour jitter; without it networks shortcut through intensity histograms.', {
  probability: probability(0.8),
  range: rangePair('Contrast factor range (1 = unchanged).', [0.6, 1.4], 0, 10, [[0.8, 1.2]]),
}, { imageOnly: true, engines: BOTH_ENGINES });

export type ContrastOptions = OptionsOf<typeof contrast>;
