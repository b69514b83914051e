// The `eval.labelEfficiency` block: the linear probe and kNN with a fraction of the labels, for
// several fractions (labelEfficiency.ts; engines/pytorch/contrastive_lab_torch/label_efficiency.py).
// Composed into the eval group by server/spec/experiment.ts.
import { Array as ArrayType, Number as NumberType } from '@sinclair/typebox';
import { int, optional } from '../declare';

export const LABEL_EFFICIENCY = optional(
  'The label-efficiency curve: linear-probe and weighted-kNN accuracy on the held-out split when only a fraction of the training labels is known — a stratified, seeded subset (that fraction of each class, at least one label per class). One point per fraction, as `labelEfficiency` in metrics.jsonl (`[{fraction, labels, linearProbe, knn}]`), plotted by the dashboard. kNN uses `eval.knn`\'s k and temperature (20 and 0.07 when it is off). Drawn at the last evaluation (after the last epoch): it costs about one linear probe per fraction (2 s of CPU for the three default fractions on 8,000 digits).',
  {
    fractions: ArrayType(NumberType({ exclusiveMinimum: 0, maximum: 1 }), { markdownDescription: 'Fractions of the training labels, each in (0, 1]: 0.01 is 1 % of the labels.', minItems: 1, uniqueItems: true, default: [0.01, 0.1, 1], examples: [[0.01, 0.1, 1], [0.01, 0.05, 0.1, 0.5, 1]] }),
    epochs: int('Training epochs of each fraction\'s linear probe.', 10, { minimum: 1, maximum: 1000 }, [10, 50]),
    seed: int('Seed of the labelled subsets: the same seed keeps the same labels at every evaluation, in every run with the same split, and on both engines.', 0, { minimum: 0, maximum: 4294967295 }, [0, 1]),
  },
  null,
  { fractions: [0.01, 0.1, 1], epochs: 10, seed: 0 },
);
