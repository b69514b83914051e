"""tfjs_weights.py refuses a network part with no tfjs counterpart, naming where it is (printed for
test/unit/engines/pytorch-run-model.test.ts): a LayerNorm, and torch's own batch norm (whose moving
variance is not the biased one tfjs keeps), each put in place of an MLP backbone's batch norm."""
import torch.nn as nn

from contrastive_lab_torch.models import ContrastiveModel
from contrastive_lab_torch.tfjs_weights import Unmappable, tfjs_weights

ARCH = {"backbone": {"type": "mlp", "layers": [8], "activation": "relu", "batchNorm": True, "dropout": 0},
        "representationSize": 4, "projection": None, "prediction": None, "normalizeOutput": True}

assert [name for name, _ in tfjs_weights(ContrastiveModel(ARCH, [6]), [6])] == [
    "backbone_dense_1/kernel", "backbone_bn_1/gamma", "backbone_bn_1/beta", "backbone_bn_1/moving_mean", "backbone_bn_1/moving_variance",
    "representation/kernel", "representation/bias"]
for replacement in (nn.LayerNorm(8), nn.BatchNorm1d(8)):
    model = ContrastiveModel(ARCH, [6])
    model.backbone[1] = replacement
    try:
        tfjs_weights(model, [6])
    except Unmappable as e:
        print(e)
    else:
        raise SystemExit(f"{type(replacement).__name__} in the backbone was converted without an error")
