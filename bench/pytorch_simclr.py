"""PyTorch peer of bench/simclr.ts: the same SimCLR training step, timed the same way.

Usage: python3 bench/pytorch_simclr.py <threads> <steps> [mlp|convnet ...]
Prints one JSON line (samples/s from the median step time): {"mlp": samples_per_s, "convnet": samples_per_s,
"torch": version, "threads": n, "blas": ..., "blas_detail": ..., "mkldnn": bool, "dense": "linear"|"conv1x1", ...}.
Each recipe: two views of a batch of 256 28×28 inputs, NT-Xent (τ = 0.5), Adam (lr 1e-3);
MLP 784→512→256, convnet conv(32)·relu·maxpool, conv(64)·relu·maxpool, flatten → 256; both with
the projection head 256→256→64.

The peer runs at its best, so the ratio is honest: the caller sets the thread count (torch.set_num_threads
here) and clears OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE. Dense layers and the similarity product use
whichever of two mathematically equal kernels is faster here, timed once at start: BLAS (F.linear) or a
1×1 convolution (oneDNN). Debian's torch links the generic reference BLAS (see BLAS_INFO in
torch.__config__.show()) but oneDNN for convolutions, so on such machines the convolution wins by ~10×
(as engines/pytorch/contrastive_lab_torch/fastmm.py). The BLAS library actually loaded (from
/proc/self/maps, or threadpoolctl when installed), oneDNN's availability and the chosen kernel are
reported.
"""
import json
import os
import re
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 256
TEMPERATURE = 0.5


# 'linear' (BLAS) or 'conv1x1' (oneDNN): set by main() from pick_dense_kernel().
DENSE = 'linear'


def matmul_nt(a, b, bias=None):
    """[n, k] · [m, k]ᵀ (+ bias [m]) → [n, m] with the chosen kernel."""
    if DENSE == 'conv1x1':
        return F.conv2d(a[:, :, None, None], b[:, :, None, None], bias).flatten(1)
    return F.linear(a, b, bias)


class Dense(nn.Linear):
    """nn.Linear (same parameters and initialisation) computed with the chosen kernel."""

    def forward(self, x):
        return matmul_nt(x, self.weight, self.bias)


def pick_dense_kernel(repeats=9):
    """Times the largest dense product of the benchmark ([512, 784] · [784, 512]) both ways,
    interleaved so that a busy moment on a shared machine hits both; the median decides."""
    a = torch.rand(2 * BATCH, 784)
    w = torch.rand(512, 784)
    kernels = {'linear': lambda: F.linear(a, w), 'conv1x1': lambda: F.conv2d(a[:, :, None, None], w[:, :, None, None]).flatten(1)}
    times = {name: [] for name in kernels}
    for i in range(repeats + 1):
        for name, fn in kernels.items():
            start = time.perf_counter()
            fn()
            if i > 0:
                times[name].append(time.perf_counter() - start)
    ms = {name: statistics.median(t) * 1000 for name, t in times.items()}
    return min(ms, key=ms.get), ms['linear'], ms['conv1x1']


def blas_in_use():
    """(name, detail) of the BLAS torch's matmul actually calls, after one matmul has loaded it."""
    torch.rand(64, 64) @ torch.rand(64, 64)
    try:
        from threadpoolctl import threadpool_info  # optional: names the library, its version and core type
        for pool in threadpool_info():
            if pool.get('user_api') == 'blas':
                detail = f"{pool.get('version')}, {os.path.basename(pool.get('filepath', ''))}"
                if pool.get('internal_api') == 'openblas':
                    detail += f", coretype: {pool.get('architecture') or 'default'}"
                return pool.get('internal_api', 'blas'), detail
    except Exception:
        pass
    libraries = set()
    try:
        with open('/proc/self/maps') as maps:
            for line in maps:
                path = line.split()[-1]
                if re.search(r'(blas|mkl_rt|mkl_core|blis)[^/]*\.so', os.path.basename(path)):
                    libraries.add(os.path.realpath(path))
    except OSError:
        return 'unknown', 'no /proc/self/maps'
    coretype = f"coretype: {os.environ.get('OPENBLAS_CORETYPE', 'default')}"
    for path in sorted(libraries):
        name = '/'.join(path.split('/')[-2:])
        if 'openblas' in path:
            return 'openblas', f'{name}, {coretype}'
        if 'mkl' in path:
            return 'mkl', name
        if 'blis' in path:
            return 'blis', name
        if 'atlas' in path:
            return 'atlas', name
    for path in sorted(libraries):
        # Debian's alternatives: /usr/lib/<arch>/blas/libblas.so.3 is the netlib reference implementation.
        if re.search(r'/blas/libblas\.so', path):
            return 'reference', '/'.join(path.split('/')[-2:])
    if libraries:
        return 'other', ', '.join(os.path.basename(p) for p in sorted(libraries))
    return 'builtin', 'no BLAS library loaded'


def projection():
    return nn.Sequential(Dense(256, 256), nn.ReLU(), Dense(256, 64))


def mlp():
    # backbone 784→512 (relu), representation layer →256, then the projection head
    return nn.Sequential(nn.Flatten(), Dense(784, 512), nn.ReLU(), Dense(512, 256), projection())


def convnet():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), Dense(64 * 7 * 7, 256), projection())


def nt_xent(z1, z2):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = matmul_nt(z, z) / TEMPERATURE
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
    global DENSE
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    recipes = sys.argv[3:] or ['mlp', 'convnet']
    blas, blas_detail = blas_in_use()
    DENSE, linear_ms, conv_ms = pick_dense_kernel()
    builders = {'mlp': mlp, 'convnet': convnet}
    result = {name: samples_per_second(builders[name](), steps) for name in recipes}
    result.update({
        'torch': torch.__version__, 'threads': torch.get_num_threads(),
        'blas': blas, 'blas_detail': blas_detail, 'mkldnn': torch.backends.mkldnn.is_available(),
        'dense': DENSE, 'dense_linear_ms': linear_ms, 'dense_conv1x1_ms': conv_ms,
        'openblas_env': sorted(k for k in os.environ if k in ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE')),
    })
    print(json.dumps(result))


if __name__ == '__main__':
    main()
