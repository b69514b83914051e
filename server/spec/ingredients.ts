// The `type` strings and capability facts of every polymorphic ingredient, read from the
// declarations (server/contrastive/**/*.decl.ts) that the schema is generated from: nothing is listed
// here by hand. The library's registry test checks that every declared type has an implementation.
import { typesOf, type AugmentationFacts, type LabelFacts, type LossFacts } from '../contrastive/declare';
import { INGREDIENTS, type IngredientKind } from './experiment';
import type { AugmentationType, LossType, MiningSpec } from './types';

export type { IngredientKind };

export const LOSS_TYPES = typesOf(INGREDIENTS.loss);
export const DISTANCE_TYPES = typesOf(INGREDIENTS.distance);
export const NEGATIVES_TYPES = typesOf(INGREDIENTS.negatives);
export const SAMPLER_TYPES = typesOf(INGREDIENTS.sampler);
export const MINING_TYPES = typesOf(INGREDIENTS.mining);
export const BACKBONE_TYPES = typesOf(INGREDIENTS.backbone);
export const OPTIMIZER_TYPES = typesOf(INGREDIENTS.optimizer);
export const SCHEDULE_TYPES = typesOf(INGREDIENTS.schedule);
export const AUGMENTATION_TYPES = typesOf(INGREDIENTS.augmentation);

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

function factsOf<F>(declarations: readonly { readonly type: string; readonly facts: F }[], type: string): F {
  const found = declarations.find((d) => d.type === type);
  if (found === undefined) throw new Error(`no declaration for type "${type}"`);
  return found.facts;
}

/** What a loss needs and uses (negatives, the distance, trainable parameters, engines). */
export const lossFacts = (type: LossType): LossFacts => factsOf<LossFacts>(INGREDIENTS.loss, type);
/** Whether an augmentation op needs pixels, and which engines have it. */
export const augmentationFacts = (type: AugmentationType): AugmentationFacts => factsOf<AugmentationFacts>(INGREDIENTS.augmentation, type);
/** Whether a miner reads the class labels, and which engines have it. */
export const minerFacts = (type: MiningSpec['type']): LabelFacts => factsOf<LabelFacts>(INGREDIENTS.mining, type);

/** Losses that never look at `distance` (they compute their own similarity). */
export const LOSSES_IGNORING_DISTANCE: readonly LossType[] = LOSS_TYPES.filter((t) => !lossFacts(t).usesDistance);
