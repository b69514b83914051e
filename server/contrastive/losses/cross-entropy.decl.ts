import { loss, num } from '../declare';

// The logits it reads come from a classifier head (server/contrastive/heads/classifier.ts) that the trainer builds.
export const crossEntropy = loss('crossEntropy', 'Softmax cross-entropy of a linear classifier head on the representation (one output per class of the data): the supervised downstream objective of pretrain-then-fine-tune. Train it on a fraction of the labels (`data.labelFraction`), from an earlier run\'s weights (`init`) or from scratch; the held-out accuracy is `classifierAccuracy` in metrics.jsonl. Needs labelled data and `pairs.positives: labels`; no negatives, no distance.', {
  labelSmoothing: num('Label smoothing ε: the target gives 1 − ε to the true class and spreads ε over all classes (0 = plain one-hot targets).', 0, { minimum: 0, exclusiveMaximum: 1 }, [0, 0.1]),
}, { needsNegatives: false, usesDistance: false, softmaxLogits: false, minimisedByCollapse: false, expander: false, learnable: false, engines: ['tfjs', 'pytorch'] });
