// The `type` strings of every polymorphic ingredient, kind by kind. The compiler checks each list
// against the unions in types.ts (nothing missing, nothing extra); a unit test checks them against
// the schema's `oneOf` branches, and the library's registry test checks them against its
// implementations — so the three cannot drift apart.
import type {
  AugmentationType,
  BackboneType,
  DistanceType,
  LossType,
  MiningSpec,
  NegativesSpec,
  OptimizerType,
  SamplerSpec,
  ScheduleType,
} from './types';

/** Accepts a list only when it names every member of the union `T` (and nothing else). */
function everyOf<T extends string>() {
  return <const A extends readonly T[]>(values: A & ([Exclude<T, A[number]>] extends [never] ? unknown : { missing: Exclude<T, A[number]> })): A => values;
}

export const LOSS_TYPES = everyOf<LossType>()([
  'contrastive', 'triplet', 'nPairs', 'liftedStructure', 'generalizedLiftedStructure', 'infoNCE', 'supCon',
  'circle', 'softNearestNeighbor', 'multiSimilarity', 'vicreg', 'barlowTwins', 'siglip', 'negativeCosine',
]);
export const DISTANCE_TYPES = everyOf<DistanceType>()(['euclidean', 'squaredEuclidean', 'cosine', 'dot', 'manhattan', 'kl', 'jensenShannon', 'wasserstein']);
export const NEGATIVES_TYPES = everyOf<NegativesSpec['type']>()(['batch', 'queue', 'none']);
export const SAMPLER_TYPES = everyOf<SamplerSpec['type']>()(['random', 'mPerClass']);
export const MINING_TYPES = everyOf<MiningSpec['type']>()(['none', 'batchHard', 'hard', 'semiHard', 'easy', 'all', 'multiSimilarity']);
export const BACKBONE_TYPES = everyOf<BackboneType>()(['mlp', 'convnet', 'resnet']);
export const OPTIMIZER_TYPES = everyOf<OptimizerType>()(['sgd', 'adam', 'adamw', 'lars']);
export const SCHEDULE_TYPES = everyOf<ScheduleType>()(['constant', 'cosine', 'warmup']);
export const AUGMENTATION_TYPES = everyOf<AugmentationType>()([
  'randomResizedCrop', 'flip', 'affine', 'brightness', 'contrast', 'hue', 'grayscale', 'gaussianNoise', 'gaussianBlur', 'cutout', 'featureNoise', 'featureMask',
]);

export type IngredientKind = 'loss' | 'distance' | 'negatives' | 'sampler' | 'mining' | 'backbone' | 'optimizer' | 'schedule' | 'augmentation';

/** Every ingredient kind with its `type` strings; the schema's `$defs` are named `<kind>-<type>`. */
export const INGREDIENT_TYPES: Readonly<Record<IngredientKind, readonly string[]>> = Object.freeze({
  loss: LOSS_TYPES,
  distance: DISTANCE_TYPES,
  negatives: NEGATIVES_TYPES,
  sampler: SAMPLER_TYPES,
  mining: MINING_TYPES,
  backbone: BACKBONE_TYPES,
  optimizer: OPTIMIZER_TYPES,
  schedule: SCHEDULE_TYPES,
  augmentation: AUGMENTATION_TYPES,
});

/** Augmentation ops that only make sense on images (the rest work on vectors). */
export const IMAGE_ONLY_AUGMENTATIONS: readonly AugmentationType[] = ['randomResizedCrop', 'flip', 'affine', 'brightness', 'contrast', 'hue', 'grayscale', 'gaussianNoise', 'gaussianBlur', 'cutout'];

/** Losses that contrast positives against negatives and therefore need `pairs.negatives` ≠ none. */
export const LOSSES_NEEDING_NEGATIVES: readonly LossType[] = [
  'contrastive', 'triplet', 'nPairs', 'liftedStructure', 'generalizedLiftedStructure', 'infoNCE', 'supCon', 'circle', 'multiSimilarity', 'softNearestNeighbor', 'siglip',
];

/** Losses that never look at `distance` (they compare the two views directly). */
export const LOSSES_IGNORING_DISTANCE: readonly LossType[] = ['vicreg', 'barlowTwins', 'negativeCosine'];
