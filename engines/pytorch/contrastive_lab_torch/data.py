"""Reads a split written by server/trainer/exportSplit.ts (meta.json, x.f32, labels.i32,
train.i32, test.i32, probe.i32): the values exactly as the TypeScript trainer feeds its network, and
the timeline's probe rows (server/trainer/probeSet.ts) whose embeddings every evaluation keeps."""
import json
import os
import sys
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


def _float32_file(path: str, values: int) -> torch.Tensor:
    """The file's float32 little-endian values, memory-mapped copy-on-write (a copy on big-endian hosts)."""
    if values == 0:
        return torch.zeros(0)
    if sys.byteorder != "little":
        return torch.from_numpy(np.fromfile(path, dtype="<f4").astype(np.float32))
    return torch.from_file(path, shared=False, size=values, dtype=torch.float32)


def load_split(folder: str) -> Split:
    with open(os.path.join(folder, "meta.json"), encoding="utf8") as f:
        meta = json.load(f)
    count = int(meta["count"])
    shape = [int(d) for d in meta["sampleShape"]]
    per = int(np.prod(shape))
    x_file = os.path.join(folder, "x.f32")
    values = os.path.getsize(x_file) // 4
    if values != count * per:
        raise ValueError(f"x.f32 holds {values} values, expected {count} x {per}; re-export the split")
    # Mapped, not read: the launcher has just written the file, so its pages are in the page cache and
    # the batches gather from them directly (a private mapping: the file is never written back).
    # Reading and converting it cost ~0.2 s for the 31 MB of the digits, before the first step.
    x = _float32_file(x_file, count * per).reshape([count] + shape)
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
