"""a @ bᵀ through whichever kernel is faster here: the BLAS matmul, or the same product as a 1×1
convolution. Debian's torch links the system BLAS for matmul but oneDNN (mkldnn) for convolutions;
with only the reference BLAS installed the convolution is ~8-12× faster, with OpenBLAS the matmul
wins. Measured once at import on a dense-layer-sized product; used for dense layers, the big loss
products and the kNN search. Both are mathematically the same product."""
import time

import torch
import torch.nn.functional as F


def _conv_nt(a: torch.Tensor, b: torch.Tensor, bias: torch.Tensor = None) -> torch.Tensor:
    return F.conv2d(a[:, :, None, None], b[:, :, None, None], bias).flatten(1)


def _faster_kernel() -> str:
    a, b = torch.randn(256, 512), torch.randn(512, 512)

    def seconds(f) -> float:
        f()
        start = time.perf_counter()
        for _ in range(3):
            f()
        return time.perf_counter() - start

    with torch.no_grad():
        return "linear" if seconds(lambda: F.linear(a, b)) <= seconds(lambda: _conv_nt(a, b)) else "conv1x1"


KERNEL = _faster_kernel()


def matmul_nt(a: torch.Tensor, b: torch.Tensor, bias: torch.Tensor = None) -> torch.Tensor:
    """[n, k] · [m, k]ᵀ (+ bias [m]) → [n, m]."""
    return F.linear(a, b, bias) if KERNEL == "linear" else _conv_nt(a, b, bias)


def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """[n, k] · [k, m] → [n, m]."""
    return matmul_nt(a, b.t().contiguous())
