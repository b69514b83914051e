"""Optimisers, learning-rate schedules and gradient clipping as server/contrastive/optim and
schedules/: the learning rate is set before every step from the schedule (per step, not per epoch).
adam = coupled L2 (torch Adam), adamw = decoupled θ·(1 − lr·λ) (torch AdamW), sgd = torch SGD
(momentum buffer starts at g, nesterov g + μb), lars = layer-wise trust ratio on rank ≥ 2 weights."""
import math
from typing import Iterable, List

import torch


class Lars(torch.optim.Optimizer):
    """lars.ts: for weights of rank ≥ 2, g ← g + λθ, g ← η·‖θ‖/‖g‖·g (1 when a norm is 0); biases and
    batch-norm γ/β get neither; then b ← μb + g, θ ← θ − lr·b."""

    def __init__(self, params, lr: float, momentum: float, trust_coefficient: float, weight_decay: float):
        super().__init__(params, dict(lr=lr, momentum=momentum, trust=trust_coefficient, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if p.dim() >= 2:
                    if group["weight_decay"] > 0:
                        g = g + group["weight_decay"] * p
                    w_norm, g_norm = torch.linalg.norm(p), torch.linalg.norm(g)
                    ratio = torch.where((w_norm > 0) & (g_norm > 0), group["trust"] * w_norm / torch.clamp(g_norm, min=1e-30), torch.ones_like(w_norm))
                    g = g * ratio
                state = self.state[p]
                buf = state.get("momentum")
                if buf is None:
                    buf = state["momentum"] = torch.zeros_like(p)
                buf.mul_(group["momentum"]).add_(g)
                p.sub_(group["lr"] * buf)


def create_optimizer(spec: dict, params: List[torch.nn.Parameter]) -> torch.optim.Optimizer:
    t, lr = spec["type"], spec["learningRate"]
    if t == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(spec["beta1"], spec["beta2"]), eps=spec["epsilon"], weight_decay=spec["weightDecay"])
    if t == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=(spec["beta1"], spec["beta2"]), eps=spec["epsilon"], weight_decay=spec["weightDecay"])
    if t == "sgd":
        momentum = spec["momentum"]
        return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=bool(spec["nesterov"]) and momentum > 0, weight_decay=spec["weightDecay"])
    if t == "lars":
        return Lars(params, lr=lr, momentum=spec["momentum"], trust_coefficient=spec["trustCoefficient"], weight_decay=spec["weightDecay"])
    raise ValueError(t)


def schedule_lr(spec: dict, base: float, step: int, total_steps: int, steps_per_epoch: int) -> float:
    """schedule.ts: step from 0; linear warm-up from base/warmupSteps; cosine to minLearningRate."""
    warmup = min(spec["warmupEpochs"] * steps_per_epoch, total_steps)
    if step < warmup:
        return base * (step + 1) / warmup
    if spec["type"] in ("constant", "warmup"):
        return base
    decay = total_steps - warmup
    progress = min(1.0, (step - warmup) / max(1, decay))
    lo = spec["minLearningRate"]
    return lo + 0.5 * (base - lo) * (1 + math.cos(math.pi * progress))


def clip_by_global_norm(params: Iterable[torch.nn.Parameter], max_norm: float) -> float:
    """clip.ts: scale every gradient by maxNorm / norm when the global norm exceeds maxNorm."""
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    # m * sqrt(sum((g/m)^2)), m = max|g|: a plain sqrt(sum(g^2)) overflows float32 once |g| > ~1.8e19
    # and max_norm / inf = 0 would silently zero every update (clip.ts does the same).
    m = max(g.abs().max() for g in grads)
    safe = torch.clamp(m, min=1e-30)
    norm = float(m * torch.sqrt(sum(((g / safe) ** 2).sum() for g in grads)))
    if norm > max_norm:
        for g in grads:
            g.mul_(max_norm / norm)
    return norm
