"""Trains several resolved specs for two epochs on one exported split in one Python process (torch
is imported once), each through the mirror CLI's own entry point; used by test/unit/engines/pytorch-ingredients.test.ts.

  PYTHONPATH=engines/pytorch /usr/bin/python3 engines/pytorch/tests/train_smoke.py <split dir> <spec.json>...

For each spec: the mirror's JSON lines, then {"spec": <path>, "exit": <the mirror's exit code>}."""
import json
import sys

from contrastive_lab_torch.mirror import main as mirror


def run(data: str, specs) -> int:
    worst = 0
    for path in specs:
        code = mirror(["--spec", path, "--data", data, "--epochs", "2", "--threads", "1"])
        print(json.dumps({"spec": path, "exit": code}), flush=True)
        worst = max(worst, code)
    return worst


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(run(sys.argv[1], sys.argv[2:]))
