// The spec pipeline's public API: parse → validate → semantic rules → resolve.
export * from './types';
export * from './problems';
export { checkSpecFile, checkSpecText, type CheckOptions, type CheckResult } from './check';
export type { SpecDocument } from './document';
export { loadSchema, schemaAt, unionBranches, deref, SCHEMA_ID, SCHEMA_TITLE, SCHEMA_EXAMPLES, type JsonSchema } from './schema';
export { formatProblem } from './format';
export { RULES, ruleById, type SpecRule, type RuleContext, type RuleFinding, type DataFacts } from './rules';
export { INGREDIENT_TYPES, LOSS_TYPES, DISTANCE_TYPES, NEGATIVES_TYPES, SAMPLER_TYPES, MINING_TYPES, BACKBONE_TYPES, OPTIMIZER_TYPES, SCHEDULE_TYPES, AUGMENTATION_TYPES, LOSSES_IGNORING_DISTANCE, type IngredientKind } from './ingredients';
export { BUILTIN_DATASETS, deriveFormat, kindOf, probeDatasetOnDisk, resolveDataPath, trainSplitSize, usedSize, type DatasetInfo, type DatasetInfoHook } from './dataset';
export { resolveSpec, DEFAULT_VECTOR_VIEWS } from './resolve';
export { applyEdits, renderValue } from './edits';
export { parseSpecText, MAX_SPEC_CHARS, MAX_ALIAS_COUNT } from './parse';
