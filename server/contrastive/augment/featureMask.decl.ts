import { BOTH_ENGINES, augmentation, num, probability, type OptionsOf } from '../declare';

export const featureMask = augmentation('featureMask', 'For vectors: zero a random fraction of the features (as in VIME / SCARF-style tabular contrastive learning). Teaches the encoder to infer missing features from the rest.', {
  probability: probability(1),
  fraction: num('Fraction of features zeroed in each view.', 0.2, { minimum: 0, maximum: 0.95 }, [0.2, 0.4]),
}, { imageOnly: false, engines: BOTH_ENGINES });

export type FeatureMaskOptions = OptionsOf<typeof featureMask>;
