"""Reads a split written by server/trainer/exportSplit.ts (meta.json, x.f32, labels.i32,
train.i32, test.i32, probe.i32): the values exactly as the TypeScript trainer feeds its network, and
the timeline's probe rows (server/trainer/probeSet.ts) whose embeddings every evaluation keeps."""
import json
import os
from dataclasses import dataclass
from typing import List, Optional

import numpy as np
import torch


@dataclass
class Split:
    #: [count, C, H, W] for images (channels first, for torch), [count, D] for vectors
    x: torch.Tensor
    #: the exported per-sample shape: [H, W, C] or [D]
    sample_shape: List[int]
    #: [count] int64, -1 where unlabelled; None when nothing is labelled
    labels: Optional[torch.Tensor]
    classes: Optional[int]
    train: torch.Tensor
    test: torch.Tensor
    #: the timeline's probe rows, ascending (from the held-out split, or the training one when nothing is held out)
    probe: torch.Tensor

    @property
    def images(self) -> bool:
        return len(self.sample_shape) == 3


def load_split(folder: str) -> Split:
    with open(os.path.join(folder, "meta.json"), encoding="utf8") as f:
        meta = json.load(f)
    count = int(meta["count"])
    shape = [int(d) for d in meta["sampleShape"]]
    per = int(np.prod(shape))
    x = np.fromfile(os.path.join(folder, "x.f32"), dtype="<f4")
    if x.size != count * per:
        raise ValueError(f"x.f32 holds {x.size} values, expected {count} x {per}; re-export the split")
    x = torch.from_numpy(x.astype(np.float32).reshape([count] + shape))
    if len(shape) == 3:
        x = x.permute(0, 3, 1, 2).contiguous()  # NHWC (tfjs) -> NCHW (torch)
    labels = torch.from_numpy(np.fromfile(os.path.join(folder, "labels.i32"), dtype="<i4").astype(np.int64))
    train = torch.from_numpy(np.fromfile(os.path.join(folder, "train.i32"), dtype="<i4").astype(np.int64))
    test = torch.from_numpy(np.fromfile(os.path.join(folder, "test.i32"), dtype="<i4").astype(np.int64))
    if train.numel() != meta["trainCount"] or test.numel() != meta["testCount"]:
        raise ValueError("train.i32/test.i32 do not match meta.json; re-export the split")
    probe = torch.from_numpy(np.fromfile(os.path.join(folder, "probe.i32"), dtype="<i4").astype(np.int64))
    has_labels = labels.numel() == count and bool((labels >= 0).any())
    return Split(x=x, sample_shape=shape, labels=labels if has_labels else None, classes=meta.get("classes"), train=train, test=test, probe=probe)
