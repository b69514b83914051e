"""The PyTorch engine's command line, started by `contrastive-lab train --engine pytorch` (the
launcher in server/trainer/engines/): it trains the resolved spec.json of a run directory the
launcher created, on the split the launcher exported, and writes the run directory in the format
of the TypeScript trainer (rundir.py).

  PYTHONPATH=engines/pytorch python3 -m contrastive_lab_torch.engine --run-dir <runs/id> --data <split> [--threads N] [--device D] [--resume]
  torchrun --nproc_per_node N -m contrastive_lab_torch.engine --run-dir ... (several processes: distributed.py)
  PYTHONPATH=engines/pytorch python3 -m contrastive_lab_torch.engine --check --spec <spec.json> --data <split> [--device D] [--processes N]
  PYTHONPATH=engines/pytorch python3 -m contrastive_lab_torch.engine --serve   (how the launcher starts it: see serve())

Every metric and event line it appends is also printed on stdout (one JSON object per line).
SIGTERM / SIGINT: the current step finishes, a checkpoint is written, the run is `stopped`.
Exit codes: 0 completed or stopped; 1 the run failed (run.json says why) or bad input;
2 an ingredient this engine does not implement (one line on stderr naming the spec field)."""
import argparse
import contextlib
import io
import json
import os
import sys

from .errors import Unsupported
from .spec import check_engine_supported, is_towers


def _read_json(path: str) -> dict:
    with open(path, encoding="utf8") as f:
        return json.load(f)


def serve() -> int:
    """The launcher starts the engine before the data is ready, so importing torch overlaps its data
    loading and no separate process has to probe torch: the first stdout line is
    {"kind": "engine", "torch": <version>} (an interpreter without torch or numpy exits 1 with the
    ImportError on stderr, before any run directory exists). Then each stdin line is one command,
    {"argv": [...]}, as on the command line: a --check is answered with one line
    {"kind": "checked", "code": <exit code>, "stderr": <what it said>, "plan": <its plan line, or null>}
    and the next command is read;
    a --run-dir command trains and its exit code ends the process ({"argv": [...], "env": {...}}: the
    variables are set first — the launcher makes this process rank 0 of several). End of input ends it with 0."""
    import numpy  # noqa: F401 (what the run needs besides torch: an ImportError here is the answer)
    import torch

    from .session import StopFlag

    stop = StopFlag()  # before the first line: once the launcher sees it, SIGTERM stops cleanly
    print(json.dumps({"kind": "engine", "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        argv = command["argv"]
        if "--check" not in argv:
            # several processes: the launcher makes this process rank 0 (its env:// rendezvous variables)
            os.environ.update(command.get("env") or {})
            return main(argv, stop)
        said, printed = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(said), contextlib.redirect_stdout(printed):
            try:
                code = main(argv)
            except SystemExit as e:  # argparse's refusal of a malformed command
                code = e.code if isinstance(e.code, int) else 1
        plans = [json.loads(l) for l in printed.getvalue().splitlines() if l.startswith('{"kind": "plan"')]
        print(json.dumps({"kind": "checked", "code": code, "stderr": said.getvalue(), "plan": plans[-1] if plans else None}), flush=True)
    return 0


def main(argv=None, stop=None) -> int:
    parser = argparse.ArgumentParser(prog="contrastive_lab_torch.engine", description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-dir", help="the run directory (run.json and spec.json written by `contrastive-lab train`)")
    parser.add_argument("--data", required=True, help="the split exported by the launcher (server/trainer/exportSplit.ts, plus dataset.json)")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    parser.add_argument("--device", default="auto", help="auto (cuda, else mps, else cpu) | cpu | cuda | cuda:N | mps (default auto)")
    parser.add_argument("--resume", action="store_true", help="continue from the newest intact checkpoint")
    parser.add_argument("--init-from", help="spec.init's run directory, resolved (absolute): a new run loads init.parts from its newest intact checkpoint")
    parser.add_argument("--init-weights", help="with --init-from naming a tfjs run: its weights as the launcher read them (<name>.json beside <name>.f32)")
    parser.add_argument("--check", action="store_true", help="only check that this engine implements every ingredient of --spec")
    parser.add_argument("--spec", help="with --check: the resolved spec.json")
    parser.add_argument("--processes", type=int, default=1, help="with --check: the processes the run will train on, on this machine (run.processes; default 1)")
    args = parser.parse_args(argv)
    if args.check == (args.run_dir is not None):
        parser.error("give either --run-dir (train) or --check --spec (check only)")
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    spec_file = args.spec if args.check else os.path.join(args.run_dir, "spec.json")
    try:
        spec = _read_json(spec_file)
        meta = _read_json(os.path.join(args.data, "meta.json"))
    except (OSError, ValueError) as e:
        print(f"cannot read the inputs: {e}", file=sys.stderr)
        return 1
    # Checked before torch is imported: an unsupported recipe is refused at once.
    try:
        check_engine_supported(spec, meta["sampleShape"])
        if is_towers(spec) and args.processes > 1:
            raise Unsupported("run.processes", args.processes, "with two towers is not implemented on the PyTorch engine yet (they train in one process); set run.processes: 1")
    except Unsupported as e:
        print(str(e), file=sys.stderr)
        if not args.check:
            _record_unsupported(args.run_dir, e)
        return 2
    except (KeyError, TypeError) as e:
        print(f"{spec_file}: not a resolved spec (missing {e}); it is written by the TypeScript pipeline", file=sys.stderr)
        return 1
    if args.check:
        return _check_plan(spec, args.device, args.processes)
    if spec.get("init") is not None and not args.resume and args.init_from is None:
        # never trained from scratch as if init were absent
        print("spec.json has init (an earlier run's weights) but the engine was not told where that run is: pass --init-from <its run directory, resolved> (contrastive-lab train does)", file=sys.stderr)
        return 1

    import torch  # noqa: E402 (slow to import; only needed from here on)

    from .data import load_split
    from .distributed import World, resolve_device
    from .fastmm import limit_blas_threads
    from .rundir import FollowerRunDirectory, RunDirectory
    from .session import Session, StopFlag

    stop = stop or StopFlag()  # first: a SIGTERM while torch loads the data still stops cleanly
    torch.set_num_threads(args.threads)
    limit_blas_threads(args.threads)
    try:
        # torchrun's variables: with several processes on CUDA each takes the GPU of its LOCAL_RANK
        device = resolve_device(args.device, int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("LOCAL_RANK", "0")))
        world = World.from_env(device)
    except (ValueError, RuntimeError) as e:
        print(f"cannot start: {e}", file=sys.stderr)
        return 1
    try:
        run_dir = RunDirectory(args.run_dir, lambda text: (sys.stdout.write(text), sys.stdout.flush())) if world.lead else FollowerRunDirectory(args.run_dir)
        towers = is_towers(spec)
        if towers:
            from .towers import load_tower_split

            data = load_tower_split(args.data)
        else:
            data = load_split(args.data)
        dataset = _read_json(os.path.join(args.data, "dataset.json"))
    except (OSError, ValueError) as e:
        print(f"cannot read the inputs: {e}", file=sys.stderr)
        return 1
    try:
        if towers:
            from .towers import TowerSession

            # one process on the CPU: more processes or another device are refused by the check above and _check_plan
            status = TowerSession(run_dir, spec, data, dataset, args.threads, args.resume, stop, world, device).execute()
            return 1 if status == "failed" else 0
        status = Session(run_dir, spec, data, dataset, args.threads, args.resume, stop, world, device, args.init_from, args.init_weights).execute()
    finally:
        world.close()
    return 1 if status == "failed" else 0


def _check_plan(spec: dict, device: str, processes: int) -> int:
    """--check's report of what the run will use (one stdout line {"kind": "plan", "processes", "devices" —
    one per process of this machine, "auto" resolved —, "distributedBackend", "torch"}), or exit 1 with
    why it cannot: a device this torch lacks, too few GPUs for the processes, a global batch the
    processes cannot share equally. Said before the launcher creates the run directory."""
    batch = int(spec["strategy"]["batchSize"])
    if batch % processes != 0:
        print(f"strategy.batchSize {batch} is not divisible by run.processes {processes}: each process takes an equal share of the global batch; choose a batch size that is a multiple of {processes}", file=sys.stderr)
        return 1
    import torch

    from .distributed import resolve_device

    try:
        devices = [resolve_device(device, processes, rank) for rank in range(processes)]
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 1
    if is_towers(spec) and devices[0].type != "cpu":
        print(f"run.device \"{device}\" ({devices[0]}) with two towers is not implemented on the PyTorch engine yet (they train on the CPU); set run.device: cpu", file=sys.stderr)
        return 2
    backend = None if processes == 1 else "nccl" if devices[0].type == "cuda" else "gloo"
    print(json.dumps({"kind": "plan", "processes": processes, "devices": [str(d) for d in devices], "distributedBackend": backend, "torch": torch.__version__}), flush=True)
    return 0


def _record_unsupported(run_dir: str, e: Unsupported) -> None:
    """spec.json asks for something this engine lacks: the run fails naming the field."""
    from .rundir import RunDirectory, now_iso

    try:
        d = RunDirectory(run_dir, lambda text: (sys.stdout.write(text), sys.stdout.flush()))
        d.update_record(status="failed", pid=None, endedAt=now_iso(), engine="pytorch", error={"kind": "other", "message": str(e), "where": e.field})
        d.event("error", "failed", f"run failed at {e.field}: {e}", data={"where": e.field})
    except (OSError, ValueError):
        pass  # the message on stderr is what is left to say


def exit_now(code: int) -> None:
    """Ends the process without the interpreter's teardown: with torch loaded it takes ~0.2 s here
    (freeing every module and tensor), all of it after the run has ended and while the launcher
    waits. Every file the run wrote is closed by then; the standard streams are flushed here."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(serve() if sys.argv[1:] == ["--serve"] else main())
