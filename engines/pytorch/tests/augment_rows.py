"""Several processes augment only their own rows of the global batch (augment.Rows): for every op of
the schema, on images and vectors, the views of rows [lo, hi) made alone equal those rows of the
views of the whole batch, bit for bit, for each way 2 and 4 processes share a batch of 8.
Prints one line per op and `N passed, M failed`; exit 1 on a failure."""
import random
import sys

import torch

from contrastive_lab_torch.augment import OPS, Rows, build_pipeline

IMAGE_OPS = [
    {"type": "affine", "probability": 0.8, "degrees": 15, "translate": 0.1, "scale": [0.9, 1.1]},
    {"type": "randomResizedCrop", "probability": 1, "scale": [0.4, 1.0], "ratio": [0.75, 1.333]},
    {"type": "flip", "probability": 0.5, "horizontal": True, "vertical": True},
    {"type": "brightness", "probability": 0.8, "delta": 0.4},
    {"type": "contrast", "probability": 0.8, "range": [0.6, 1.4]},
    {"type": "hue", "probability": 0.8, "delta": 0.5},
    {"type": "grayscale", "probability": 0.5},
    {"type": "gaussianNoise", "probability": 0.5, "std": 0.1},
    {"type": "gaussianBlur", "probability": 0.5, "sigma": [0.1, 1.0], "kernelSize": 3},
    {"type": "cutout", "probability": 0.5, "size": 4, "count": 2},
]
VECTOR_OPS = [
    {"type": "featureNoise", "probability": 0.5, "std": 0.1},
    {"type": "featureMask", "probability": 0.7, "fraction": 0.3},
]


def check(op: dict, x: torch.Tensor) -> bool:
    run = build_pipeline([op])
    whole = run(x, random.Random("rows/" + op["type"]))
    n = x.shape[0]
    for processes in (2, 4):
        share = n // processes
        for r in range(processes):
            rows = slice(r * share, (r + 1) * share)
            alone = run(x[rows], random.Random("rows/" + op["type"]), Rows(n, rows))
            if not torch.equal(alone, whole[rows]):
                print(f"FAIL {op['type']}: rank {r} of {processes} differs by {float((alone - whole[rows]).abs().max()):.3g}")
                return False
    return True


def main() -> int:
    torch.manual_seed(0)
    images = torch.rand(8, 3, 12, 12)
    vectors = torch.randn(8, 20)
    covered = {op["type"] for op in IMAGE_OPS + VECTOR_OPS}
    if covered != set(OPS):
        print(f"FAIL the check covers {sorted(covered)} but augment.OPS has {sorted(OPS)}")
        return 1
    results = [check(op, images) for op in IMAGE_OPS] + [check(op, vectors) for op in VECTOR_OPS]
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
