"""Contrastive Lab's PyTorch engine: trains a resolved spec (spec.json) on a split exported by
scripts/export-split.ts, mirroring the TypeScript library in server/contrastive/ ingredient by
ingredient, so the two engines' kNN accuracies can be compared.

Run: PYTHONPATH=engines/pytorch /usr/bin/python3 -m contrastive_lab_torch.mirror --spec <spec.json> --data <dir>
"""

__all__ = ["Unsupported"]

from .errors import Unsupported  # noqa: E402
