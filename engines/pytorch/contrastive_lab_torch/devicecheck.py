"""A debug check that every tensor of a training step lives on the run's device, on when the
environment sets CONTRASTIVE_LAB_DEVICE_CHECK=1 (the tests do). PyTorch refuses most mixes of
devices by itself, but not all: a 0-dim CPU tensor (a loss's temperature) mixes with GPU tensors
silently, and an optimiser updates a CPU parameter wherever its gradient came from. So the check
looks at what enters the loss (its inputs, its own parameters) and, after each optimiser step, at
every tensor the step keeps: the weights, their gradients and batch-norm statistics, the EMA
target, the optimiser's state and the memory queue. A tensor elsewhere fails the run naming it."""
import os
from typing import Iterable, Tuple

import torch

ENV = "CONTRASTIVE_LAB_DEVICE_CHECK"


def enabled() -> bool:
    return os.environ.get(ENV, "") not in ("", "0")


def _on(device: torch.device, t: torch.Tensor) -> bool:
    return t.device.type == device.type and (device.index is None or t.device.index == device.index)


class DeviceCheck:
    def __init__(self, device: torch.device):
        self.device = device

    def tensors(self, where: str, named: Iterable[Tuple[str, object]]) -> None:
        """Raises naming every tensor of `named` that is not on the run's device (None entries are skipped)."""
        wrong = [f"{name} on {t.device}" for name, t in named if isinstance(t, torch.Tensor) and not _on(self.device, t)]
        if wrong:
            raise RuntimeError(f"device check ({ENV}): {where}: {', '.join(wrong)}, but the run trains on {self.device}; "
                               "create the tensor with device= or move it with .to(device) where it is made")

    def wrap_loss(self, loss) -> None:
        """Checks the inputs of every call of the loss, and its own parameters."""
        for method in ("labelled", "two_views", "classes"):
            inner = getattr(loss, method)

            def checked(*args, _inner=inner, _method=method, **kwargs):
                named = [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())
                named += [(f"loss parameter {i + 1}", p) for i, p in enumerate(loss.parameters)]
                self.tensors(f"the inputs of the loss ({loss.type}.{_method})", named)
                return _inner(*args, **kwargs)

            setattr(loss, method, checked)

    def step_state(self, run) -> None:
        """Every tensor the run keeps across steps: network, EMA target, loss, optimiser, queue."""
        named = []
        networks = [("model", run.model)] + ([("EMA target", run.ema.target)] if run.ema is not None else [])
        for prefix, net in networks:
            for name, p in net.named_parameters():
                named += [(f"{prefix} {name}", p), (f"{prefix} {name}.grad", p.grad)]
            named += [(f"{prefix} {name}", b) for name, b in net.named_buffers()]
        named += [(f"loss parameter {i + 1}", p) for i, p in enumerate(run.loss.parameters)]
        for i, state in enumerate(run.optimizer.state.values()):
            # Adam's `step` counter stays on the CPU by PyTorch's design (unless capturable)
            named += [(f"optimiser state {i} {key}", v) for key, v in state.items() if key != "step"]
        if run.queue is not None:
            named += [("queue keys", run.queue.keys), ("queue labels", run.queue.labels)]
        self.tensors("after the optimiser step", named)
