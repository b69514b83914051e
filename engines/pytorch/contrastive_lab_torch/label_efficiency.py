"""server/contrastive/eval/labelEfficiency.ts: the linear probe and weighted kNN trained on
1 %, 10 %, … of the training labels (a stratified subset, at least one label per class, the same
rows the TypeScript code draws from the same seed), scored on the whole held-out split."""
import math
from typing import List

import torch

from .evaluate import knn_accuracy, linear_probe
from .portable_random import derived_random


def labelled_subset(train_labels: List[int], fraction: float, seed: int) -> List[int]:
    """labelEfficiency.ts labelledSubset (linearProbe.ts stratifiedSubset on the named stream):
    round(fraction × class size) rows of each class, at least one, ascending."""
    if not 0 < fraction <= 1:
        raise ValueError(f"label efficiency: fractions must be in (0, 1], got {fraction}")
    rng = derived_random(seed, "labelEfficiency", math.floor(fraction * 1e6 + 0.5))
    by_class = {}
    for row, label in enumerate(train_labels):
        by_class.setdefault(label, []).append(row)
    chosen = []
    for label in sorted(by_class):
        rows = rng.shuffle(by_class[label])
        chosen.extend(rows[:max(1, math.floor(fraction * len(rows) + 0.5))])
    return sorted(chosen)


def label_efficiency(train: torch.Tensor, train_labels: torch.Tensor, test: torch.Tensor, test_labels: torch.Tensor,
                     fractions, epochs: int, seed: int, probe_seed: int, k: int, temperature: float) -> list:
    """[{fraction, labels, linearProbe, knn}] in the order of `fractions`."""
    if not fractions:
        raise ValueError("label efficiency: give at least one fraction of the labels")
    points = []
    for fraction in fractions:
        rows = torch.tensor(labelled_subset(train_labels.tolist(), fraction, seed))
        subset, subset_labels = train[rows], train_labels[rows]
        # labelFraction 1: the probe trains on every row of the subset it is given
        probe = linear_probe(subset, subset_labels, test, test_labels, 1.0, epochs, probe_seed)
        knn = knn_accuracy(subset, subset_labels, test, test_labels, k, temperature)
        points.append({"fraction": fraction, "labels": int(rows.numel()), "linearProbe": probe, "knn": knn})
    return points
