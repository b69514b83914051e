"""A plain, hand-written PyTorch training loop of bench/engines.ts's recipe: the yardstick that the
PyTorch engine (engines/pytorch) is timed against (`bench pytorch-engine-vs-plain-loop`).

Usage: python3 bench/pytorch_plain_loop.py <digits.bin> <split dir> <epochs> <threads> <out dir>
The work the engine does for the same resolved spec, as a user would write it by hand:
- the data: the built-in digits decoded from their packed file (dist/digits.bin: the grey values and
  labels the TypeScript loader reads) and scaled to 0..1, as the loader does; the train/test indices
  from the exported split (train.i32, test.i32: the seeded split the engine trains on);
- the recipe: SupCon (τ 0.1, cosine similarity) on labelled batches of 256 (shuffled, last partial
  batch dropped), MLP 784 → 512 (ReLU) → 128 (representation) → 128 (ReLU) → 64 (projection,
  L2-normalised), He-normal kernels and zero biases, Adam (lr 0.002) with a per-step cosine schedule;
- after every epoch the weighted kNN accuracy (k 20, τ 0.07, cosine) of the representation layer, train
  split against test split, and the std of its normalised outputs (the engine's collapse monitor), then
  a checkpoint (model, optimiser, RNG state: torch.save into <out dir>, as run.checkpointEvery 1 does);
- at the end the representation of every sample written as float32 (<out dir>/vectors.f32).
What it does not do that the engine does: the run directory's bookkeeping (run.json, metrics and event
lines, checkpoint manifests) and the maps (the engine's PCA; the launcher's sprite sheet).

Dense products go through engines/pytorch's fastmm (the faster of BLAS and a 1×1 convolution on this
machine), as the engine's do: the comparison measures the engine's overhead, not a kernel choice
(Debian's torch links the reference BLAS, ~8× slower than oneDNN's convolution here).

Prints one JSON line: {"done": true, "knnAccuracy", "collapseStd", "epochs", "steps", "trainSeconds" (training and
evaluation, after the data is read), "seconds" (the process from its first line, torch import included)}.
"""
import json
import math
import os
import struct
import sys
import time

START = time.perf_counter()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

from contrastive_lab_torch.fastmm import matmul_nt  # noqa: E402

BATCH, TEMPERATURE, LR = 256, 0.1, 0.002
KNN_K, KNN_T = 20, 0.07


class Dense(nn.Linear):
    def __init__(self, inputs, units):
        super().__init__(inputs, units)
        with torch.no_grad():
            self.weight.normal_(0.0, math.sqrt(2.0 / inputs))
            self.bias.zero_()

    def forward(self, x):
        return matmul_nt(x, self.weight, self.bias)


class Net(nn.Module):
    def __init__(self, inputs):
        super().__init__()
        self.backbone = nn.Sequential(nn.Flatten(), Dense(inputs, 512), nn.ReLU())
        self.representation = Dense(512, 128)
        self.projection = nn.Sequential(Dense(128, 128), nn.ReLU(), Dense(128, 64))

    def forward(self, x):
        r = self.representation(self.backbone(x))
        z = self.projection(r)
        return r, z * torch.rsqrt(torch.clamp((z * z).sum(dim=1, keepdim=True), min=1e-24))


def sup_con(z, labels):
    logits = matmul_nt(z, z) / TEMPERATURE
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool)
    pos = (same & ~eye).float()
    others = (~eye).float()
    log_prob = logits - torch.logsumexp(logits.masked_fill(eye, -1e9), dim=1, keepdim=True)
    per_row = -(pos * log_prob).sum(dim=1) / (pos.sum(dim=1) + 1e-30)
    has = (pos.sum(dim=1) > 0) & (others.sum(dim=1) > 0)
    return per_row[has].mean()


@torch.no_grad()
def embed(model, x, idx):
    model.eval()
    out = torch.cat([model(x[idx[i:i + 1024]])[0] for i in range(0, len(idx), 1024)])
    model.train()
    return out


def norm(v):
    return v / v.norm(dim=1, keepdim=True).clamp(min=1e-12)


@torch.no_grad()
def evaluate(model, x, labels, train, test):
    """kNN accuracy and the std of the normalised held-out outputs."""
    db, queries = embed(model, x, train), embed(model, x, test)
    spread = float(norm(queries).std(dim=0).mean())
    db, db_labels = norm(db), labels[train]
    correct = 0
    for i in range(0, len(test), 1024):
        sims, idx = matmul_nt(norm(queries[i:i + 1024]), db).topk(KNN_K, dim=1)
        votes = torch.zeros(sims.shape[0], int(labels.max()) + 1, dtype=torch.float64)
        votes.scatter_add_(1, db_labels[idx], torch.exp(sims.double() / KNN_T))
        correct += int((votes.argmax(dim=1) == labels[test[i:i + 1024]]).sum())
    return correct / len(test), spread


def read_digits(path):
    """dist/digits.bin (scripts/pack-digits.mjs): "CLDIGIT1", count, pixels, the mnist version, then a
    label byte per image and the grey values 0..255."""
    with open(path, "rb") as f:
        raw = f.read()
    count, pixels = struct.unpack_from("<II", raw, 8)
    header = 18 + struct.unpack_from("<H", raw, 16)[0]
    labels = np.frombuffer(raw, np.uint8, count, header).astype(np.int64)
    values = np.frombuffer(raw, np.uint8, count * pixels, header + count).reshape(count, pixels)
    return torch.from_numpy(values.astype(np.float32) / 255), torch.from_numpy(labels)


def main():
    digits, folder, epochs, threads, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    x, labels = read_digits(digits)
    per = x.shape[1]
    train = torch.from_numpy(np.fromfile(os.path.join(folder, "train.i32"), dtype="<i4").astype(np.int64))
    test = torch.from_numpy(np.fromfile(os.path.join(folder, "test.i32"), dtype="<i4").astype(np.int64))
    os.makedirs(out, exist_ok=True)

    t0 = time.perf_counter()
    model = Net(per)
    optimiser = torch.optim.Adam(model.parameters(), lr=LR)
    per_epoch = len(train) // BATCH
    total = per_epoch * epochs
    step, accuracy = 0, 0.0
    for _ in range(epochs):
        order = train[torch.randperm(len(train))]
        for b in range(per_epoch):
            rows = order[b * BATCH:(b + 1) * BATCH]
            for group in optimiser.param_groups:
                group["lr"] = 0.5 * LR * (1 + math.cos(math.pi * step / total))
            _, z = model(x[rows])
            loss = sup_con(z, labels[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            step += 1
        accuracy, spread = evaluate(model, x, labels, train, test)
        torch.save({"model": model.state_dict(), "optimiser": optimiser.state_dict(), "rng": torch.get_rng_state(), "step": step}, os.path.join(out, "checkpoint.pt"))
    embed(model, x, torch.arange(len(x))).numpy().astype("<f4").tofile(os.path.join(out, "vectors.f32"))
    now = time.perf_counter()
    print(json.dumps({"done": True, "knnAccuracy": accuracy, "collapseStd": round(spread, 5), "epochs": epochs, "steps": step, "trainSeconds": round(now - t0, 3), "seconds": round(now - START, 3)}))


if __name__ == "__main__":
    main()
