// The label-efficiency curve: how good frozen embeddings are with 1 %, 10 %, … of the labels. For
// each fraction, a stratified subset of the labelled training embeddings (round(fraction × class
// size) of each class, at least one) is the only labelled data that a linear probe is trained on and
// that weighted kNN votes with; both are scored on the whole held-out split.
//
// The subset of a fraction is drawn from derivedRandom(seed, 'labelEfficiency', round(fraction ×
// 10⁶)) by stratifiedSubset, so it does not change between evaluations, runs or engines
// (engines/pytorch/contrastive_lab_torch/fewshot.py draws the same rows).
import { derivedRandom } from '../random';
import { selectRows, type EmbeddingMatrix } from './embeddingMatrix';
import { knnAccuracy, type KnnOptions } from './knnAccuracy';
import { linearProbe, stratifiedSubset } from './linearProbe';

export interface LabelEfficiencyOptions {
  /** Fractions of the training labels, each in (0, 1]. */
  readonly fractions: readonly number[];
  /** Epochs of each fraction's linear probe. */
  readonly epochs: number;
  /** Seed of the labelled subsets. */
  readonly seed: number;
  /** Seed of the probes' minibatch order (the run's evaluation seed). */
  readonly probeSeed: number;
  readonly knn: KnnOptions;
}

export interface LabelEfficiencyPoint {
  readonly fraction: number;
  /** How many labelled training embeddings the fraction kept. */
  readonly labels: number;
  readonly linearProbe: number;
  readonly knn: number;
}

/** The rows of the training split that a fraction keeps (ascending). */
export function labelledSubset(trainLabels: Int32Array, fraction: number, seed: number): number[] {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`label efficiency: fractions must be in (0, 1], got ${fraction}`);
  return stratifiedSubset(trainLabels, fraction, derivedRandom(seed, 'labelEfficiency', Math.round(fraction * 1e6)));
}

export function labelEfficiency(train: EmbeddingMatrix, trainLabels: Int32Array, test: EmbeddingMatrix, testLabels: Int32Array, options: LabelEfficiencyOptions): LabelEfficiencyPoint[] {
  if (options.fractions.length === 0) throw new Error('label efficiency: give at least one fraction of the labels');
  return options.fractions.map((fraction) => {
    const rows = labelledSubset(trainLabels, fraction, options.seed);
    const subset = selectRows(train, rows);
    const subsetLabels = Int32Array.from(rows, (r) => trainLabels[r] as number);
    // labelFraction 1: the probe trains on every row of the subset it is given.
    const probe = linearProbe(subset, subsetLabels, test, testLabels, { labelFraction: 1, epochs: options.epochs, seed: options.probeSeed });
    const knn = knnAccuracy(subset, subsetLabels, test, testLabels, options.knn);
    return { fraction, labels: rows.length, linearProbe: probe.accuracy, knn: knn.accuracy };
  });
}
