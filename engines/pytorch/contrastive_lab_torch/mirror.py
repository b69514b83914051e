"""The mirror CLI: trains a resolved spec (spec.json) on an exported split and prints one JSON line
per evaluation epoch, then {"done": true, ...}.

  PYTHONPATH=engines/pytorch /usr/bin/python3 -m contrastive_lab_torch.mirror \
      --spec <spec.json> --data <dir> [--epochs N] [--threads T] [--seed S]

Exit codes: 0 done; 1 bad input or a failed run (message on stderr); 2 an ingredient this engine
does not mirror (one line on stderr naming the spec field and value)."""
import argparse
import json
import os
import sys

from .errors import Unsupported
from .spec import check_supported


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="contrastive_lab_torch.mirror", description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", required=True, help="the resolved spec (JSON, as the TypeScript pipeline resolves it)")
    parser.add_argument("--data", required=True, help="a folder written by scripts/export-split.ts")
    parser.add_argument("--epochs", type=int, default=None, help="override strategy.epochs (the schedules follow it)")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (default 1)")
    parser.add_argument("--seed", type=int, default=None, help="override strategy.seed")
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be at least 1")
    try:
        with open(args.spec, encoding="utf8") as f:
            spec = json.load(f)
        if "spec" in spec and "experiment" not in spec:
            spec = spec["spec"]
        with open(os.path.join(args.data, "meta.json"), encoding="utf8") as f:
            sample_shape = json.load(f)["sampleShape"]
    except (OSError, ValueError, KeyError) as e:
        print(f"cannot read the inputs: {e}", file=sys.stderr)
        return 1
    # Checked before torch is imported: an unsupported recipe is refused at once.
    try:
        check_supported(spec, sample_shape)
    except Unsupported as e:
        print(str(e), file=sys.stderr)
        return 2
    except (KeyError, TypeError) as e:
        print(f"the spec is not a resolved spec (missing {e}); resolve it with scripts/export-split.ts", file=sys.stderr)
        return 1

    import torch  # noqa: E402 (slow to import; only needed from here on)

    from .data import load_split
    from .fastmm import limit_blas_threads
    from .trainer import Run

    torch.set_num_threads(max(1, args.threads))
    limit_blas_threads(max(1, args.threads))
    try:
        data = load_split(args.data)
    except (OSError, ValueError) as e:
        print(f"cannot read the inputs: {e}", file=sys.stderr)
        return 1
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
