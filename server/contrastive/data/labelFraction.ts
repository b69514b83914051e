// `data.labelFraction`: training keeps a stratified, seeded fraction of the training split (that
// fraction of each class, at least one sample per class; unlabelled data counts as one class). The
// rows are the label-efficiency curve's for the same fraction and seed (labelledSubset), so a
// classifier fine-tuned on 1 % of the labels and the curve's 1 % point see the same samples.
import { labelledSubset } from '../eval/labelEfficiency';
import type { SplitDataset } from './types';

export function withLabelFraction(data: SplitDataset, fraction: number, seed: number): SplitDataset {
  if (fraction >= 1) return data;
  const labels = data.dataset.labels;
  const trainLabels = labels === null ? new Int32Array(data.train.length) : Int32Array.from(data.train, (i) => labels[i]!);
  const rows = labelledSubset(trainLabels, fraction, seed);
  return { ...data, train: Int32Array.from(rows, (r) => data.train[r]!) };
}
