"""A plain, hand-written PyTorch training loop of bench/engines.ts's recipe: the yardstick that the
PyTorch engine (engines/pytorch) is timed against (`bench pytorch-engine-vs-plain-loop`).

Usage: python3 bench/pytorch_plain_loop.py <split dir> <epochs> <threads>
The split is server/trainer/exportSplit.ts's (meta.json, x.f32, labels.i32, train.i32, test.i32).
The recipe, written out by hand rather than read from a spec: SupCon (τ 0.1, cosine similarity) on
labelled batches of 256 (shuffled, last partial batch dropped), MLP 784 → 512 (ReLU) → 128
(representation) → 128 (ReLU) → 64 (projection, L2-normalised), He-normal kernels and zero biases,
Adam (lr 0.002) with a per-step cosine schedule, and after every epoch the weighted kNN accuracy (k 20,
τ 0.07, cosine) of the representation layer, train split against test split — the work the engine
does for the same resolved spec, minus its run directory (metrics, events, checkpoints, embeddings).

Dense products go through engines/pytorch's fastmm (the faster of BLAS and a 1×1 convolution on this
machine), as the engine's do: the comparison measures the engine's overhead, not a kernel choice
(Debian's torch links the reference BLAS, ~8× slower than oneDNN's convolution here).

Prints one JSON line: {"done": true, "knnAccuracy", "epochs", "steps", "trainSeconds" (training and
evaluation, after the split is read), "seconds" (the process from its first line, torch import included)}.
"""
import json
import math
import os
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
def knn_accuracy(model, x, labels, train, test):
    model.eval()
    embed = lambda idx: torch.cat([model(x[idx[i:i + 1024]])[0] for i in range(0, len(idx), 1024)])
    db, queries = embed(train), embed(test)
    model.train()
    norm = lambda v: v / v.norm(dim=1, keepdim=True).clamp(min=1e-12)
    db, db_labels = norm(db), labels[train]
    correct = 0
    for i in range(0, len(test), 1024):
        sims, idx = matmul_nt(norm(queries[i:i + 1024]), db).topk(KNN_K, dim=1)
        votes = torch.zeros(sims.shape[0], int(labels.max()) + 1, dtype=torch.float64)
        votes.scatter_add_(1, db_labels[idx], torch.exp(sims.double() / KNN_T))
        correct += int((votes.argmax(dim=1) == labels[test[i:i + 1024]]).sum())
    return correct / len(test)


def main():
    folder, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    meta = json.load(open(os.path.join(folder, "meta.json")))
    per = int(np.prod(meta["sampleShape"]))
    x = torch.from_numpy(np.fromfile(os.path.join(folder, "x.f32"), dtype="<f4").reshape(meta["count"], per))
    labels = torch.from_numpy(np.fromfile(os.path.join(folder, "labels.i32"), dtype="<i4").astype(np.int64))
    train = torch.from_numpy(np.fromfile(os.path.join(folder, "train.i32"), dtype="<i4").astype(np.int64))
    test = torch.from_numpy(np.fromfile(os.path.join(folder, "test.i32"), dtype="<i4").astype(np.int64))

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
        accuracy = knn_accuracy(model, x, labels, train, test)
    now = time.perf_counter()
    print(json.dumps({"done": True, "knnAccuracy": accuracy, "epochs": epochs, "steps": step, "trainSeconds": round(now - t0, 3), "seconds": round(now - START, 3)}))


if __name__ == "__main__":
    main()
