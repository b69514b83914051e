"""EMA target network, the MoCo memory queue, target temperature and the samplers
(server/contrastive/strategies, pairs/)."""
import copy
import math
import random
from typing import List, Optional

import torch
import torch.nn.functional as F


def ema_tau(step: int, total_steps: int, spec: dict) -> float:
    """ema.ts emaTau: tauStart at step 0, tauEnd at the last step, along a cosine."""
    progress = 1.0 if total_steps <= 1 else min(1.0, max(0.0, step / (total_steps - 1)))
    return spec["tauEnd"] - (spec["tauEnd"] - spec["tauStart"]) * (math.cos(math.pi * progress) + 1) / 2


class EmaTarget:
    """A copy of the online model; after each optimiser step every weight AND batch-norm statistic
    moves θt ← τ·θt + (1 − τ)·θo (as EmaTarget over namedVariables)."""

    def __init__(self, online: torch.nn.Module):
        self.online = online
        self.target = copy.deepcopy(online)
        for p in self.target.parameters():
            p.requires_grad_(False)
        self.pairs = list(zip(self._tensors(self.target), self._tensors(online)))

    @staticmethod
    def _tensors(m: torch.nn.Module) -> List[torch.Tensor]:
        return [p for p in m.parameters()] + [b for b in m.buffers() if b.is_floating_point()]

    @torch.no_grad()
    def update(self, step: int, total_steps: int, spec: dict) -> float:
        tau = ema_tau(step, total_steps, spec)
        for t, o in self.pairs:
            t.mul_(tau).add_(o.detach(), alpha=1 - tau)
        return tau


class MemoryQueue:
    """memoryQueue.ts: a FIFO ring of `size` keys with labels; contents are the filled rows."""

    def __init__(self, size: int, dim: int, device: torch.device = torch.device("cpu")):
        self.size, self.dim = size, dim
        self.keys = torch.zeros(size, dim, device=device)
        self.labels = torch.full((size,), -1, dtype=torch.long, device=device)
        self.pointer = 0
        self.filled = 0

    def enqueue(self, keys: torch.Tensor, labels: torch.Tensor) -> None:
        keys = keys.detach()
        n = keys.shape[0]
        skip = max(0, n - self.size)
        keys, labels = keys[skip:], labels[skip:]
        slots = (self.pointer + torch.arange(keys.shape[0], device=self.keys.device)) % self.size
        self.keys[slots] = keys
        self.labels[slots] = labels
        self.pointer = (self.pointer + keys.shape[0]) % self.size
        self.filled = min(self.size, self.filled + keys.shape[0])

    def contents(self):
        if self.filled == 0:
            return None
        return self.keys[: self.filled], self.labels[: self.filled]


def target_temperature_loss(teacher_logits: torch.Tensor, student_logits: torch.Tensor, spec: dict) -> torch.Tensor:
    """targetTemperature.ts: H(softmax(teacher/τt), softmax(student/τs)), rows averaged, no gradient to the teacher."""
    teacher = F.softmax(teacher_logits.detach() / spec["teacher"], dim=1)
    student_log = F.log_softmax(student_logits / spec["student"], dim=1)
    return -(teacher * student_log).sum(dim=1).mean()


class RandomSampler:
    """randomSampler.ts with dropLast: a fresh seeded shuffle of the pool per epoch, cut into full batches."""

    def __init__(self, indices: torch.Tensor, batch_size: int, seed: int):
        self.indices = indices.tolist()
        self.batch_size = batch_size
        self.seed = seed
        self.batches_per_epoch = len(self.indices) // batch_size

    def batches(self, epoch: int) -> List[torch.Tensor]:
        order = list(self.indices)
        random.Random(f"{self.seed}/randomSampler/{epoch}").shuffle(order)
        b = self.batch_size
        return [torch.tensor(order[i * b:(i + 1) * b]) for i in range(self.batches_per_epoch)]


class _ShuffledCycle:
    def __init__(self, items, rng):
        self.items, self.rng, self.order, self.next = list(items), rng, [], 0

    def take(self, count):
        taken = []
        while len(taken) < count:
            if self.next >= len(self.order):
                self.order = list(self.items)
                self.rng.shuffle(self.order)
                self.next = 0
            item = self.order[self.next]
            self.next += 1
            if item not in taken:
                taken.append(item)
        return taken


class MPerClassSampler:
    """mPerClassSampler.ts: batchSize / m classes of m samples each, classes and members in shuffled cycles."""

    def __init__(self, indices: torch.Tensor, labels: torch.Tensor, m: int, batch_size: int, seed: int):
        if batch_size % m != 0:
            raise ValueError(f"strategy.batchSize {batch_size} is not divisible by pairs.sampler.m {m}")
        self.by_class = {}
        for i in indices.tolist():
            label = int(labels[i])
            if label < 0:
                raise ValueError(f"sample {i} has no label; mPerClass needs every training sample labelled")
            self.by_class.setdefault(label, []).append(i)
        self.classes = sorted(self.by_class)
        self.m, self.batch_size, self.seed = m, batch_size, seed
        self.per_batch = batch_size // m
        if len(self.classes) < self.per_batch:
            raise ValueError(f"pairs.sampler: a batch of {batch_size} with m = {m} needs {self.per_batch} classes, the data has {len(self.classes)}")
        self.batches_per_epoch = max(1, len(indices) // batch_size)

    def batches(self, epoch: int) -> List[torch.Tensor]:
        rng = random.Random(f"{self.seed}/mPerClassSampler/{epoch}")
        class_cycle = _ShuffledCycle(self.classes, rng)
        members = {c: _ShuffledCycle(self.by_class[c], rng) for c in self.classes}
        out = []
        for _ in range(self.batches_per_epoch):
            batch = []
            for c in class_cycle.take(self.per_batch):
                pool = self.by_class[c]
                batch += members[c].take(self.m) if len(pool) >= self.m else [pool[rng.randrange(len(pool))] for _ in range(self.m)]
            out.append(torch.tensor(batch))
        return out
