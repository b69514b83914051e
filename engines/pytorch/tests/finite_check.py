"""The engine's guard after every step (session.Session._check_finite) on hand-made weights: a NaN or
an infinite weight, or a non-finite loss, fails the step (error kind nonFinite, a `nan` event); finite
weights pass, also when their float32 sum overflows (the cheap sum test then defers to every entry).
Used by test/unit/engines/pytorch-engine-cost.test.ts; prints one JSON object {case: verdict}.

  PYTHONPATH=engines/pytorch /usr/bin/python3 engines/pytorch/tests/finite_check.py"""
import json

import torch

from contrastive_lab_torch.session import Session, TrainingFailure


class _Events:
    def __init__(self):
        self.names = []

    def event(self, level, name, message, **fields):
        self.names.append(name)


def verdict(weights, loss: float = 0.5) -> str:
    session = Session.__new__(Session)  # the guard reads only the run directory it reports to
    session.dir = _Events()
    try:
        session._check_finite(loss, weights, 7, 1, 0.1)
    except TrainingFailure as e:
        return f"{e.kind} at {e.where}, events {session.dir.names}"
    return f"finite, events {session.dir.names}"


def main() -> None:
    torch.manual_seed(0)
    normal = [torch.randn(64, 32), torch.zeros(32), torch.randn(16, 64)]
    with_nan = [t.clone() for t in normal]
    with_nan[2][3, 5] = float("nan")
    with_inf = [t.clone() for t in normal]
    with_inf[1][0] = float("inf")
    opposite = [t.clone() for t in normal]
    opposite[0][0, 0], opposite[2][0, 0] = float("inf"), float("-inf")
    huge = normal + [torch.full((1000,), 3.0e38)]  # finite entries whose float32 sum is +Inf
    print(json.dumps({
        "normal": verdict(normal),
        "nan weight": verdict(with_nan),
        "inf weight": verdict(with_inf),
        "+inf and -inf weights": verdict(opposite),
        "finite weights whose sum overflows": verdict(huge),
        "nan loss": verdict(normal, float("nan")),
    }))


if __name__ == "__main__":
    main()
