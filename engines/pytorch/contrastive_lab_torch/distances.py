"""The distances of server/contrastive/distances/ (pytorch-metric-learning's definitions): cosine and
dot similarities (larger = closer, "inverted"), the L_p distances euclidean, squaredEuclidean and
manhattan, and the distances between the rows' softmax distributions softmax(row / T): kl,
jensenShannon, wasserstein (1-D, bins 0..d−1)."""
from typing import Optional

import torch

from .fastmm import matmul_nt

#: distance.type values this module implements
DISTANCE_TYPES = ("cosine", "dot", "euclidean", "squaredEuclidean", "manhattan", "kl", "jensenShannon", "wasserstein")
SOFTMAX_DISTANCES = ("kl", "jensenShannon", "wasserstein")
#: below this many n×m×d elements the L2 differences are formed explicitly (exact near zero), as lp.ts
DIRECT_LIMIT = 1 << 20
#: keeps log finite where a probability underflows to 0 (0·log 0 = 0), as jensen-shannon.ts
TINY = 1e-30


def safe_sqrt(x: torch.Tensor) -> torch.Tensor:
    """tensor-utils safeSqrt: sqrt with a zero (not infinite) gradient at 0."""
    positive = (x > 0).to(x.dtype)
    return torch.sqrt(x * positive + (1 - positive)) * positive


def normalize_rows(x: torch.Tensor, p: int = 2) -> torch.Tensor:
    """tensor-utils normalizeRows: x / max(‖x‖_p, 1e-12)."""
    norm = x.abs().sum(dim=1, keepdim=True) if p == 1 else safe_sqrt((x * x).sum(dim=1, keepdim=True))
    return x / torch.clamp(norm, min=1e-12)


def manhattan_matrix(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (a[:, None, :] - b[None, :, :]).abs().sum(dim=2)


def squared_euclidean_matrix(a: torch.Tensor, b: torch.Tensor, self_mode: bool) -> torch.Tensor:
    if a.shape[0] * b.shape[0] * a.shape[1] <= DIRECT_LIMIT:
        return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=2)
    squared = torch.relu((a * a).sum(1, keepdim=True) + (b * b).sum(1)[None, :] - 2 * matmul_nt(a, b))
    return squared * (1 - torch.eye(a.shape[0], dtype=a.dtype, device=a.device)) if self_mode else squared


class Distance:
    """A distance.type block of the resolved spec. `inverted`: larger means closer (similarities)."""

    def __init__(self, spec: dict):
        self.type = spec["type"]
        if self.type not in DISTANCE_TYPES:
            raise ValueError(f'distance.type "{self.type}" is unknown; use one of {", ".join(DISTANCE_TYPES)}')
        self.inverted = self.type in ("cosine", "dot")
        self.normalize = True if self.type == "cosine" else bool(spec.get("normalize", True))
        self.temperature = float(spec.get("temperature", 1.0))
        if self.type in SOFTMAX_DISTANCES and not self.temperature > 0:
            raise ValueError(f"{self.type} distance: temperature must be > 0 (got {self.temperature})")

    def distributions(self, x: torch.Tensor) -> torch.Tensor:
        """softmax(row / T), what the softmax distances compare."""
        return torch.softmax(x / self.temperature, dim=1)

    def pairwise(self, x: torch.Tensor, y: Optional[torch.Tensor] = None) -> torch.Tensor:
        """dist(x, x) when y is None, else dist(x, y); finite gradients everywhere."""
        if self.type in SOFTMAX_DISTANCES:
            return self._softmax_pairwise(x, y)
        p = 1 if self.type == "manhattan" else 2
        a = normalize_rows(x, p) if self.normalize else x
        b = a if y is None else (normalize_rows(y, p) if self.normalize else y)
        if self.inverted:
            return matmul_nt(a, b)
        if self.type == "manhattan":
            return manhattan_matrix(a, b)
        squared = squared_euclidean_matrix(a, b, y is None)
        return squared if self.type == "squaredEuclidean" else safe_sqrt(squared)

    def _softmax_pairwise(self, x: torch.Tensor, y: Optional[torch.Tensor]) -> torch.Tensor:
        if self.type == "wasserstein":
            # CDFs over bins 0..d−2 (the last bin's CDF is 1 on both sides), then L1 between them
            d = x.shape[1]
            steps = torch.arange(d, device=x.device)
            upper = (steps[:, None] <= steps[None, :d - 1]).to(x.dtype)
            cdf_p = self.distributions(x) @ upper
            cdf_q = cdf_p if y is None else self.distributions(y) @ upper
            return manhattan_matrix(cdf_p, cdf_q)
        log_p = torch.log_softmax(x / self.temperature, dim=1)
        log_q = log_p if y is None else torch.log_softmax(y / self.temperature, dim=1)
        p = torch.exp(log_p)
        if self.type == "kl":
            # Σ_k P_ik log P_ik − Σ_k P_ik log Q_jk
            return (p * log_p).sum(dim=1, keepdim=True) - p @ log_q.t()
        q = torch.exp(log_q)
        p_term = (p * log_p).sum(dim=1, keepdim=True)
        q_term = (q * log_q).sum(dim=1)[None, :]
        m = (p[:, None, :] + q[None, :, :]) * 0.5
        m_term = (m * torch.log(torch.clamp(m, min=TINY))).sum(dim=2)
        return (p_term + q_term) * 0.5 - m_term
