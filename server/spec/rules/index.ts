// Every semantic rule, in the order their problems are reported. One rule per file.
import { augmentationWithoutOps } from './augmentation-without-ops';
import { batchLargerThanSplit } from './batch-larger-than-split';
import { blurKernelEven } from './blur-kernel-even';
import { circleNeedsCosine } from './circle-needs-cosine';
import { crossEntropyNeedsLabels } from './cross-entropy-needs-labels';
import { cutoutCoversImage } from './cutout-covers-image';
import { dataFileEmpty } from './data-file-empty';
import { dataSourceMissing } from './data-source-missing';
import { digitsAreGreyscale } from './digits-are-greyscale';
import { distanceUnused } from './distance-unused';
import { divergenceWithMetricLoss } from './divergence-with-metric-loss';
import { emaTauDecreasing } from './ema-tau-decreasing';
import { engineUnsupported } from './engine-unsupported';
import { evalEveryExceedsEpochs } from './eval-every-exceeds-epochs';
import { evalLayerWithoutProjection } from './eval-layer-without-projection';
import { fewShotSplitTooSmall } from './few-shot-split-too-small';
import { fewShotWaysExceedClasses } from './few-shot-ways-exceed-classes';
import { initSource } from './init-source';
import { initRunMissing } from './init-run-missing';
import { formatMismatch } from './format-mismatch';
import { imageOpsOnVectors } from './image-ops-on-vectors';
import { knnKExceedsSplit } from './knn-k-exceeds-split';
import { labelColumnIgnored } from './label-column-ignored';
import { labelColumnMissing } from './label-column-missing';
import { labelPositivesWithoutLabels } from './label-positives-without-labels';
import { linearProbeTooFewLabels } from './linear-probe-too-few-labels';
import { lossNeedsNegatives } from './loss-needs-negatives';
import { mPerClassDivisibility } from './m-per-class-divisibility';
import { mPerClassNeedsLabels } from './m-per-class-needs-labels';
import { mPerClassTooFewClasses } from './m-per-class-too-few-classes';
import { marginsInverted } from './margins-inverted';
import { miningWithoutLabels } from './mining-without-labels';
import { negativeCosineNeedsPrediction } from './negative-cosine-needs-prediction';
import { predictionHeadCollapse } from './prediction-head-collapse';
import { predictionOutputMismatch } from './prediction-output-mismatch';
import { projectionWiderThanRepresentation } from './projection-wider-than-representation';
import { queueLargerThanSplit } from './queue-larger-than-split';
import { queueSmallerThanBatch } from './queue-smaller-than-batch';
import { queueWithoutEma } from './queue-without-ema';
import { rangeReversed } from './range-reversed';
import { supconWithoutLabels } from './supcon-without-labels';
import { sweepUnknownPath } from './sweep-unknown-path';
import { sweepValueInvalid } from './sweep-value-invalid';
import { targetTemperatureWithQueue } from './target-temperature-with-queue';
import { teacherHotterThanStudent } from './teacher-hotter-than-student';
import { unknownBuiltinDataset } from './unknown-builtin-dataset';
import { unnormalizedDotLogits } from './unnormalized-dot-logits';
import { vicregNormalizedOutput } from './vicreg-normalized-output';
import { warmupTooLong } from './warmup-too-long';
import { lockedTowerWithoutInit } from './locked-tower-without-init';
import { pairsNeedTowers } from './pairs-need-towers';
import { pairsBatchLargerThanSplit } from './pairs-batch-larger-than-split';
import { pairsFileRows } from './pairs-file-rows';
import { pairsSideUnnamed } from './pairs-side-unnamed';
import { pairsSourceMissing } from './pairs-source-missing';
import { towerInit } from './tower-init';
import { towerLossUnsupported } from './tower-loss-unsupported';
import { towerSideMismatch } from './tower-side-mismatch';
import { towerSizesDiffer } from './tower-sizes-differ';
import { towersIgnoredOptions } from './towers-ignored-options';
import { towersNeedPairs } from './towers-need-pairs';
import type { SpecRule } from './rule';

export type { DataFacts, RuleContext, RuleFinding, SpecRule } from './rule';

export const RULES: readonly SpecRule[] = Object.freeze([
  augmentationWithoutOps,
  batchLargerThanSplit,
  blurKernelEven,
  circleNeedsCosine,
  crossEntropyNeedsLabels,
  cutoutCoversImage,
  dataFileEmpty,
  dataSourceMissing,
  digitsAreGreyscale,
  distanceUnused,
  divergenceWithMetricLoss,
  emaTauDecreasing,
  engineUnsupported,
  evalEveryExceedsEpochs,
  evalLayerWithoutProjection,
  fewShotSplitTooSmall,
  fewShotWaysExceedClasses,
  initSource,
  initRunMissing,
  formatMismatch,
  imageOpsOnVectors,
  knnKExceedsSplit,
  labelColumnIgnored,
  labelColumnMissing,
  labelPositivesWithoutLabels,
  linearProbeTooFewLabels,
  lossNeedsNegatives,
  mPerClassDivisibility,
  mPerClassNeedsLabels,
  mPerClassTooFewClasses,
  marginsInverted,
  miningWithoutLabels,
  negativeCosineNeedsPrediction,
  predictionHeadCollapse,
  predictionOutputMismatch,
  projectionWiderThanRepresentation,
  queueLargerThanSplit,
  queueSmallerThanBatch,
  queueWithoutEma,
  rangeReversed,
  supconWithoutLabels,
  sweepUnknownPath,
  sweepValueInvalid,
  targetTemperatureWithQueue,
  teacherHotterThanStudent,
  unknownBuiltinDataset,
  unnormalizedDotLogits,
  vicregNormalizedOutput,
  warmupTooLong,
  lockedTowerWithoutInit,
  pairsNeedTowers,
  pairsBatchLargerThanSplit,
  pairsFileRows,
  pairsSideUnnamed,
  pairsSourceMissing,
  towerInit,
  towerLossUnsupported,
  towerSideMismatch,
  towerSizesDiffer,
  towersIgnoredOptions,
  towersNeedPairs,
]);

/** A rule by id (for docs and code actions). */
export function ruleById(id: string): SpecRule | undefined {
  return RULES.find((rule) => rule.id === id);
}
