"""The mirror CLI: trains a resolved spec (spec.json) on an exported split and prints one JSON line
per evaluation epoch, then {"done": true, ...}.

  PYTHONPATH=engines/pytorch /usr/bin/python3 -m contrastive_lab_torch.mirror \
      --spec <spec.json> --data <dir> [--epochs N] [--threads T] [--seed S]

Exit codes: 0 done; 1 bad input or a failed run (message on stderr); 2 an ingredient this engine
does not mirror (one line on stderr naming the spec field and value)."""
import argparse
import json
import sys

import torch

from .data import load_split
from .errors import Unsupported
from .spec import check_supported
from .trainer import Run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="contrastive_lab_torch.mirror", description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", required=True, help="the resolved spec (JSON, as the TypeScript pipeline resolves it)")
    parser.add_argument("--data", required=True, help="a folder written by scripts/export-split.ts")
    parser.add_argument("--epochs", type=int, default=None, help="override strategy.epochs (the schedules follow it)")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    parser.add_argument("--seed", type=int, default=None, help="override strategy.seed")
    args = parser.parse_args(argv)
    torch.set_num_threads(max(1, args.threads))
    try:
        with open(args.spec, encoding="utf8") as f:
            spec = json.load(f)
        if "spec" in spec and "experiment" not in spec:
            spec = spec["spec"]
        data = load_split(args.data)
    except (OSError, ValueError, KeyError) as e:
        print(f"cannot read the inputs: {e}", file=sys.stderr)
        return 1
    try:
        check_supported(spec, data.sample_shape)
    except Unsupported as e:
        print(str(e), file=sys.stderr)
        return 2
    epochs = args.epochs if args.epochs is not None else int(spec["strategy"]["epochs"])
    seed = args.seed if args.seed is not None else int(spec["strategy"]["seed"])

    def report(line: dict) -> None:
        print(json.dumps(line), flush=True)

    try:
        run = Run(spec, data, epochs, seed)
        report(run.run(report))
    except (ValueError, FloatingPointError) as e:
        print(f"run failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
