"""Checks that W processes compute the gradients one process computes on the same global batch
(distributed.py): one full step (optimiser, EMA target, queue), then the forward and backward of a
second step, alone and on W processes started over env:// on 127.0.0.1; compares the parameter
gradients (the network's and the loss's own) and the losses.

  PYTHONPATH=engines/pytorch python3 -m contrastive_lab_torch.ddpcheck --spec <spec.json> [--spec <another> ...] --data <split> [--processes 2] [--steps 2]

stdout: one JSON line per spec {"spec", "processes", "steps", "losses", "lossesDistributed", "parameters",
"gradientScale", "maxRelativeDifference", "worst", "queue"}: the relative difference of a parameter is
max|g_W − g_1| / max(max|g_1|, 1e-12); "gradientScale" is the largest |g_1| (0: nothing was compared);
"queue" compares the MoCo queue's rows after the steps.
Exit 0 when it ran (the caller judges the tolerance), 1 when a process failed."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch


def _run(spec: dict, data_dir: str, steps: int, world) -> dict:
    from .data import load_split
    from .trainer import Run

    data = load_split(data_dir)
    run = Run(spec, data, int(spec["strategy"]["epochs"]), int(spec["strategy"]["seed"]), world)
    batches = run.sampler.batches(1)
    if len(batches) < steps:
        raise ValueError(f"the split has {len(batches)} batches per epoch; {steps} steps need more training samples")
    losses = [run.train_step(batches[s], s + 1) for s in range(steps - 1)]
    value, _, _ = run.backward(batches[steps - 1], steps)
    losses.append(value)
    grads = {name: p.grad.detach().clone() for name, p in run.model.named_parameters() if p.grad is not None}
    if run.classifier is not None:  # the classifier head (loss crossEntropy) is averaged by DDP with the network
        grads.update({f"classifier.{name}": p.grad.detach().clone() for name, p in run.classifier.named_parameters() if p.grad is not None})
    for i, p in enumerate(run.loss.parameters):
        if p.grad is not None:
            grads[f"loss.{i}"] = p.grad.detach().clone()
    queue = run.queue.contents()[0].clone() if run.queue is not None and run.queue.contents() is not None else None
    return {"losses": losses, "grads": grads, "queue": queue}


def _worker(args, specs: list) -> int:
    from .distributed import World

    torch.set_num_threads(args.threads)
    world = World.from_env(torch.device("cpu"))
    try:
        results = [_run(spec, args.data, args.steps, world) for spec in specs]
        if world.lead:
            torch.save(results, args.out)
    finally:
        world.close()
    return 0


def _compare(single: dict, multi: dict) -> dict:
    worst, worst_name = 0.0, None
    for name, g in single["grads"].items():
        if name not in multi["grads"]:
            raise ValueError(f"{name}: a gradient one process has, the processes lack")
        rel = float((multi["grads"][name] - g).abs().max()) / max(float(g.abs().max()), 1e-12)
        if rel > worst or worst_name is None:
            worst, worst_name = rel, name
    queue = None
    if single["queue"] is not None:
        queue = {"rows": int(single["queue"].shape[0]), "maxDifference": float((multi["queue"] - single["queue"]).abs().max())}
    scale = max((float(g.abs().max()) for g in single["grads"].values()), default=0.0)
    return {"losses": single["losses"], "lossesDistributed": multi["losses"], "parameters": len(single["grads"]),
            "gradientScale": scale, "maxRelativeDifference": worst, "worst": worst_name, "queue": queue}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="contrastive_lab_torch.ddpcheck", description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", required=True, action="append", help="a resolved spec.json (repeatable)")
    parser.add_argument("--data", required=True)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", help=argparse.SUPPRESS)  # a worker's result file (set by the parent)
    args = parser.parse_args(argv)
    specs = []
    for path in args.spec:
        with open(path, encoding="utf8") as f:
            specs.append(json.load(f))
    if os.environ.get("WORLD_SIZE"):
        return _worker(args, specs)
    from .distributed import World
    from .launch import start_processes

    torch.set_num_threads(args.threads)
    singles = [_run(spec, args.data, args.steps, World()) for spec in specs]
    with tempfile.TemporaryDirectory(prefix="ddpcheck-") as tmp:
        out = os.path.join(tmp, "rank0.pt")
        argv_worker = [sys.executable, "-m", "contrastive_lab_torch.ddpcheck", *[a for path in args.spec for a in ("--spec", path)], "--data", args.data,
                       "--steps", str(args.steps), "--threads", str(args.threads), "--out", out]
        procs = start_processes(argv_worker, args.processes, stdout=subprocess.DEVNULL)
        codes = [p.wait() for p in procs]
        if any(codes):
            print(f"a worker failed (exit codes {codes})", file=sys.stderr)
            return 1
        multis = torch.load(out)
    for path, single, multi in zip(args.spec, singles, multis):
        print(json.dumps({"spec": path, "processes": args.processes, "steps": args.steps, **_compare(single, multi)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
