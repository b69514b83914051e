"""PyTorch peer of bench/simclr.ts: the same SimCLR training step, timed the same way.

Usage: python3 bench/pytorch_simclr.py <threads> <steps> [mlp|convnet ...]
Prints one JSON line (samples/s from the median step time): {"mlp": samples_per_s, "convnet": samples_per_s, "torch": version}.
Each recipe: two views of a batch of 256 28×28 inputs, NT-Xent (τ = 0.5), Adam (lr 1e-3);
MLP 784→512→256, convnet conv(32)·relu·maxpool, conv(64)·relu·maxpool, flatten → 256; both with
the projection head 256→256→64.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 256
TEMPERATURE = 0.5


def projection():
    return nn.Sequential(nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 64))


def mlp():
    # backbone 784→512 (relu), representation layer →256, then the projection head
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), projection())


def convnet():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 256), projection())


def nt_xent(z1, z2):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.t() / TEMPERATURE
    n = z1.shape[0]
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float('-inf'))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


def samples_per_second(model, steps):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    v1 = torch.rand(BATCH, 1, 28, 28, generator=gen)
    v2 = torch.rand(BATCH, 1, 28, 28, generator=gen)

    def step():
        opt.zero_grad()
        loss = nt_xent(model(v1), model(v2))
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(2):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    # The median step: robust to other processes briefly taking the CPU.
    return BATCH / statistics.median(times)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    recipes = sys.argv[3:] or ['mlp', 'convnet']
    builders = {'mlp': mlp, 'convnet': convnet}
    result = {name: samples_per_second(builders[name](), steps) for name in recipes}
    result.update({'torch': torch.__version__, 'threads': torch.get_num_threads()})
    print(json.dumps(result))


if __name__ == '__main__':
    main()
