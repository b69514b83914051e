"""The engine's command line (contrastive_lab_torch.engine, the same arguments) with the run placed
on a stand-in GPU: torch's meta device computed by shadow_device.py, with the device check on
(devicecheck.py). A tensor the engine does not place on the run's device fails the run as it would
on CUDA. Several --run-dir (runs of the same split) train one after the other in this process, so
torch is imported once. Used by test/unit/engines/pytorch-device*.test.ts.

  PYTHONPATH=engines/pytorch /usr/bin/python3 engines/pytorch/tests/device_run.py --run-dir <dir> [--run-dir <dir>...] --data <split> [--resume]

Exit code: the largest of the engine's."""
import os
import sys

import torch

from shadow_device import META, shadow_device

os.environ["CONTRASTIVE_LAB_DEVICE_CHECK"] = "1"

from contrastive_lab_torch import distributed, engine  # noqa: E402 (after the check is switched on)


def _stand_in(requested: str, processes: int = 1, local_rank: int = 0) -> torch.device:
    return META


def main(argv) -> int:
    run_dirs = [argv[i + 1] for i, a in enumerate(argv) if a == "--run-dir"]
    rest = [a for i, a in enumerate(argv) if a != "--run-dir" and (i == 0 or argv[i - 1] != "--run-dir")]
    distributed.resolve_device = _stand_in  # engine.main imports it when it starts
    worst = 0
    with shadow_device():
        for run_dir in run_dirs:
            worst = max(worst, engine.main(["--run-dir", run_dir] + rest))
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
