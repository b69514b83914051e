"""a @ bᵀ through the faster kernel for this installation: the BLAS matmul, or the same product as a
1×1 convolution. Debian's torch links the system BLAS for matmul but oneDNN (mkldnn) for
convolutions; with only the netlib reference BLAS installed the convolution is ~8-12× faster, with
OpenBLAS (or MKL, BLIS…) the matmul wins. The choice follows from which BLAS library the process
loaded, never from a timing: every process of a run (ranks, a resumed run) must compute the same
sums to the same bits. Used for dense layers, the big loss products and the kNN search; both
kernels are mathematically the same product."""
import ctypes
import os
import re

import torch
import torch.nn.functional as F


def _conv_nt(a: torch.Tensor, b: torch.Tensor, bias: torch.Tensor = None) -> torch.Tensor:
    return F.conv2d(a[:, :, None, None], b[:, :, None, None], bias).flatten(1)


def _blas_is_reference() -> bool:
    """True when torch's matmul runs Debian's netlib reference BLAS (the slow one), read from the
    libraries mapped into this process once a matmul has loaded its BLAS."""
    torch.rand(8, 8) @ torch.rand(8, 8)
    try:
        with open("/proc/self/maps") as maps:
            paths = {os.path.realpath(line.split()[-1]) for line in maps if "blas" in line.rsplit("/", 1)[-1]}
    except OSError:
        return False  # no /proc (macOS, Windows): their torch wheels bring an optimised BLAS
    if any(re.search(r"openblas|mkl|blis|atlas", path) for path in paths):
        return False
    # Debian's alternatives: /usr/lib/<arch>/blas/libblas.so.3 is the reference implementation.
    return any(re.search(r"/blas/libblas\.so", path) for path in paths)


KERNEL = "conv1x1" if _blas_is_reference() else "linear"


def limit_blas_threads(threads: int) -> None:
    """Holds an OpenBLAS loaded into this process to `threads` threads, as torch.set_num_threads holds
    torch's own: OpenBLAS starts one thread per core unless OPENBLAS_NUM_THREADS says otherwise, and
    torch does not tell it. Its idle threads spin for a while after each product, so two processes of
    one run on two cores would each keep a second core busy (engine.py, mirror.py, runmodel.py)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.rsplit("/", 1)[-1]}
    except OSError:
        return  # no /proc (macOS, Windows): their torch wheels bring MKL or Accelerate, which follow torch's threads
    for path in sorted(paths):
        try:
            ctypes.CDLL(path).openblas_set_num_threads(max(1, int(threads)))
        except (OSError, AttributeError):
            continue


def matmul_nt(a: torch.Tensor, b: torch.Tensor, bias: torch.Tensor = None) -> torch.Tensor:
    """[n, k] · [m, k]ᵀ (+ bias [m]) → [n, m]. The convolution detour is for the CPU's reference BLAS
    only: on a GPU the matmul is the fast kernel."""
    return F.linear(a, b, bias) if KERNEL == "linear" or a.device.type != "cpu" else _conv_nt(a, b, bias)


def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """[n, k] · [k, m] → [n, m]."""
    return matmul_nt(a, b.t().contiguous())
