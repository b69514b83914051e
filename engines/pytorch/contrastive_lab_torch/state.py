"""What a checkpoint holds so a resumed run continues exactly (server/trainer/trainingState.ts):
the network's and the EMA target's weights and batch-norm statistics, the classifier head (loss
crossEntropy), the loss's own parameters,
the optimiser's state, the negatives queue and torch's random state (dropout).

Every tensor is saved as a CPU copy, so a checkpoint does not name the device it was trained on: a
GPU run resumes on a CPU-only machine and the reverse (restore copies each tensor onto the run's
device; the optimiser's load_state_dict moves its state to its parameters' device)."""
from typing import Any

import torch

from .trainer import Run


def _on_cpu(value: Any) -> Any:
    """The same nested dicts / lists / tuples with every tensor copied to the CPU."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, dict):
        return {k: _on_cpu(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_on_cpu(v) for v in value)
    return value


def capture(run: Run) -> dict:
    queue = None
    if run.queue is not None:
        q = run.queue
        queue = {"keys": q.keys.clone(), "labels": q.labels.clone(), "pointer": q.pointer, "filled": q.filled}
    rng = {"torch": torch.get_rng_state()}
    if run.device.type == "cuda":  # dropout on a GPU draws from that GPU's generator
        rng["cuda"] = torch.cuda.get_rng_state(run.device)
    return _on_cpu({
        "model": run.model.state_dict(),
        "optimizer": run.optimizer.state_dict(),
        "ema": run.ema.target.state_dict() if run.ema is not None else None,
        "classifier": run.classifier.state_dict() if run.classifier is not None else None,
        "loss": [p.detach().clone() for p in run.loss.parameters],
        "queue": queue,
        "rng": rng,
    })


def extra(run: Run) -> dict:
    """The small JSON part beside the tensors (state.json's `extra`)."""
    out = {"inputShape": list(run.data.sample_shape), "optimizer": {"type": run.spec["strategy"]["optimizer"]["type"]}}
    if run.queue is not None:
        out["queue"] = {"pointer": run.queue.pointer, "filled": run.queue.filled}
    return out


def restore(run: Run, payload: dict) -> None:
    """Loads a checkpoint into parts built from the same spec.json; a mismatch says so."""
    try:
        run.model.load_state_dict(payload["model"])
        if run.ema is not None:
            if payload.get("ema") is None:
                raise ValueError("the checkpoint has no EMA target but strategy.ema is set")
            run.ema.target.load_state_dict(payload["ema"])
        if run.classifier is not None:
            if payload.get("classifier") is None:
                raise ValueError("the checkpoint has no classifier head but loss.type is crossEntropy")
            run.classifier.load_state_dict(payload["classifier"])
        stored = payload.get("loss") or []
        if len(stored) != len(run.loss.parameters):
            raise ValueError(f"the checkpoint has {len(stored)} loss parameters, this loss has {len(run.loss.parameters)}")
        with torch.no_grad():
            for p, value in zip(run.loss.parameters, stored):
                p.copy_(value)
        run.optimizer.load_state_dict(payload["optimizer"])
        if run.queue is not None:
            q = payload.get("queue")
            if q is None:
                raise ValueError("the checkpoint has no negatives queue but pairs.negatives is a queue")
            run.queue.keys.copy_(q["keys"])
            run.queue.labels.copy_(q["labels"])
            run.queue.pointer, run.queue.filled = int(q["pointer"]), int(q["filled"])
        torch.set_rng_state(payload["rng"]["torch"])
        if run.device.type == "cuda" and "cuda" in payload["rng"]:  # a CPU checkpoint leaves the GPU's generator seeded
            torch.cuda.set_rng_state(payload["rng"]["cuda"], run.device)
    except (KeyError, RuntimeError, ValueError) as e:
        raise ValueError(f"spec.json does not build the network stored in this checkpoint ({e}); spec.json was changed after training: restore the architecture the run was trained with") from e
