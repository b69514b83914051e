import { BOTH_ENGINES, augmentation, int, probability, type OptionsOf } from '../declare';

export const cutout = augmentation('cutout', 'Blank out random squares. Forces the network to use the whole object, not one discriminative patch.', {
  probability: probability(0.5),
  size: int('Side of each square, in pixels.', 8, { minimum: 1, maximum: 256 }, [8, 4]),
  count: int('How many squares.', 1, { minimum: 1, maximum: 16 }, [1, 2]),
}, { imageOnly: true, engines: BOTH_ENGINES });

export type CutoutOptions = OptionsOf<typeof cutout>;
