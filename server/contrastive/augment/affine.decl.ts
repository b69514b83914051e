import { BOTH_ENGINES, augmentation, num, probability, rangePair, type OptionsOf } from '../declare';

export const affine = augmentation('affine', 'Random rotation, translation and scaling. Small values teach robustness to hand-writing and framing; large rotations destroy orientation-dependent classes (6 vs 9).', {
  probability: probability(0.5),
  degrees: num('Maximum rotation in degrees, either way.', 15, { minimum: 0, maximum: 180 }, [15, 10, 30]),
  translate: num('Maximum shift as a fraction of the image size.', 0.1, { minimum: 0, maximum: 0.5 }, [0.1, 0.05]),
  scale: rangePair('Zoom factor range.', [0.9, 1.1], 0.1, 10, [[0.8, 1.2]]),
}, { imageOnly: true, engines: BOTH_ENGINES });

export type AffineOptions = OptionsOf<typeof affine>;
