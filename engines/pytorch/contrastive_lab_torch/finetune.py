"""Pretrain, then fine-tune, on this engine — as server/trainer/initFrom.ts, parts.ts,
heads/classifier.ts and data/labelFraction.ts do it on tfjs:

- `init: {from, parts, freeze}`: the chosen parts of the network (backbone, representation,
  projection, prediction) take an earlier run's trained weights, read from its newest intact
  checkpoint; a weight the source lacks or has in another shape is an error naming the weight and
  both shapes, and nothing is loaded then. Frozen parts leave the optimiser (and need no gradient):
  their weights stay bit for bit as loaded, their batch-norm moving statistics still follow the data.
  The source is a PyTorch run (its checkpoint.pt) or a tfjs run, whose weights the launcher reads
  with the tfjs loader and hands over by their tfjs names (tfjs_weights.py lays them out);
- a classifier head (loss crossEntropy): a linear layer representation → one logit per class of the
  data, zero-initialised, trained, guarded and checkpointed with the network;
- `data.labelFraction`: training keeps a stratified, seeded subset of the training split (the rows
  of label_efficiency.labelled_subset for that fraction and data.split.seed)."""
import json
import os
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn

from .label_efficiency import labelled_subset

#: init.parts, as the network applies them
PARTS = ("backbone", "representation", "projection", "prediction")


class InitError(ValueError):
    """The earlier run cannot give its weights, or they do not fit this network (says which and what to do)."""


class ClassifierHead(nn.Module):
    """logits = x·Wᵀ + b, W and b zero at the start (every class starts alike whatever the seed)."""

    def __init__(self, features: int, classes: int):
        super().__init__()
        if classes < 2:
            raise ValueError(f"a classifier head needs labelled data with at least 2 classes, but the data has {classes}; use labelled data (a class per sub-folder, or data.labelColumn).")
        self.linear = nn.Linear(features, classes)
        with torch.no_grad():
            self.linear.weight.zero_()
            self.linear.bias.zero_()

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.linear(features)


class WithClassifier(nn.Module):
    """The network and its classifier head as one module, so DistributedDataParallel averages the
    head's gradients with the network's."""

    def __init__(self, model: nn.Module, head: ClassifierHead):
        super().__init__()
        self.model, self.head = model, head

    def forward(self, x: torch.Tensor) -> Dict[str, Optional[torch.Tensor]]:
        outputs = self.model(x)
        return {**outputs, "logits": self.head(outputs["representation"])}


def class_count(classes: Optional[int], labels: Optional[torch.Tensor]) -> int:
    """parts.ts classCount: the data's class names, else the largest label + 1."""
    if classes is not None:
        return int(classes)
    return 0 if labels is None or labels.numel() == 0 else int(labels.max()) + 1


def part_of(name: str) -> str:
    """The init part a parameter or buffer of ContrastiveModel (state_dict name) belongs to."""
    head = name.split(".", 1)[0]
    return head if head in PARTS else "backbone"


def label_fraction_rows(train: torch.Tensor, labels: Optional[torch.Tensor], fraction: float, seed: int) -> torch.Tensor:
    """labelFraction.ts withLabelFraction: the training rows kept (unlabelled data counts as one class)."""
    if fraction >= 1:
        return train
    train_labels = [0] * train.numel() if labels is None else labels[train].tolist()
    return train[torch.tensor(labelled_subset(train_labels, fraction, seed), dtype=torch.long)]


# ---- reading the earlier run's weights ------------------------------------------------------------
def _pytorch_weights(run_dir: str) -> Tuple[str, Dict[str, torch.Tensor]]:
    """(checkpoint name, ContrastiveModel state_dict) of a PyTorch run's newest intact checkpoint; a
    damaged newer one is skipped (and left alone: the run is another's)."""
    from .rundir import DamagedCheckpoint, RunDirectory

    try:
        source = RunDirectory(run_dir, lambda text: None)
    except ValueError as e:
        raise InitError(f"init.from: {e}") from e
    reasons = []
    for name in reversed(source.list_checkpoints()):
        try:
            _, payload = source.load_checkpoint(name)
        except DamagedCheckpoint as e:
            reasons.append(str(e))
            continue
        return f"checkpoints/{name}", payload["model"]
    why = f" ({'; '.join(reasons)})" if reasons else ""
    raise InitError(f"init.from: the run {run_dir} has no intact checkpoint to start from{why}; resume it, or start from another run")


def _tfjs_weights(manifest_file: str) -> Dict[str, torch.Tensor]:
    """The weights the launcher read from a tfjs run: {"checkpoint", "weights": [{name, shape, offset, length}]}
    beside a float32 little-endian file of the values."""
    with open(manifest_file, encoding="utf8") as f:
        manifest = json.load(f)
    values = np.fromfile(os.path.splitext(manifest_file)[0] + ".f32", dtype="<f4")
    return {w["name"]: torch.from_numpy(values[w["offset"]:w["offset"] + w["length"]].astype(np.float32).reshape(w["shape"])) for w in manifest["weights"]}


def _check(part: str, name: str, source: Optional[torch.Tensor], target: torch.Tensor, run_dir: str) -> None:
    if source is None:
        raise InitError(f"init.parts: {part} cannot be loaded from {run_dir}: its network has no weight {name} (this spec's {part} is built differently: shape {list(target.shape)} here); give architecture the {part} that run had")
    if list(source.shape) != list(target.shape):
        raise InitError(f"init.parts: {part} cannot be loaded from {run_dir}: weight {name} is {list(source.shape)} in that run but {list(target.shape)} in this spec's network; give architecture the {part} that run had")


def load_parts(model: nn.Module, run_dir: str, parts: List[str], input_shape: List[int], tfjs_manifest: Optional[str] = None) -> str:
    """Copies the weights of `parts` into `model` (every shape checked first: all or nothing); returns
    where they came from (`<run>/checkpoints/step-<N>`)."""
    state = model.state_dict()
    for part in parts:
        if not any(part_of(n) == part for n in state):
            raise InitError(f"init.parts lists {part}, but this spec's network has no {part}; remove it from init.parts")
    if tfjs_manifest is None:
        checkpoint, stored = _pytorch_weights(run_dir)
        targets = [(n, t) for n, t in state.items() if part_of(n) in parts]
        for name, target in targets:
            _check(part_of(name), name, stored.get(name), target, run_dir)
        with torch.no_grad():
            for name, target in targets:
                target.copy_(stored[name])
        return f"{run_dir}/{checkpoint}"
    from .tfjs_weights import tfjs_writable

    with open(tfjs_manifest, encoding="utf8") as f:
        checkpoint = json.load(f)["checkpoint"]
    stored = _tfjs_weights(tfjs_manifest)
    targets = [(name, part, put, shape) for name, part, put, shape in tfjs_writable(model, input_shape) if part in parts]
    for name, part, _, shape in targets:
        _check(part, name, stored.get(name), torch.empty(shape), run_dir)
    with torch.no_grad():
        for name, _, put, _ in targets:
            put(stored[name])
    return f"{run_dir}/{checkpoint}"


def freeze(model: nn.Module, parts: List[str]) -> None:
    """The parameters of `parts` take no gradient (and stay out of the optimiser's list)."""
    for name, p in model.named_parameters():
        if part_of(name) in parts:
            p.requires_grad_(False)
