"""One training-mode forward and backward of freshly initialised networks, for
test/unit/engines/pytorch-gradient-parity.test.ts: the tfjs side sets the same weights (tfjs layout,
tfjs_weights.py) and must get the same loss and gradients on its own kernels (the wasm backend's
convolution, pooling and batch-norm gradients against torch's).

  python3 tests/grad_parity.py <cases.json> <out.json>

cases.json: [{"architecture": {...}, "inputShape": [H, W, C], "count": N, "seed": S, "inputs": "x.f32",
"weights": "r.f32"}]; the loss is sum(out ⊙ R), out the prediction (when there is a head) else the
projection, R being N × its width from "weights".
out.json: per case {"weights": {tfjs name: [values]}, "loss": float, "gradients": {tfjs name: [values]}}."""
import json
import sys

import numpy as np
import torch

from contrastive_lab_torch.models import ContrastiveModel
from contrastive_lab_torch.tfjs_weights import tfjs_weights


def run(case: dict) -> dict:
    shape = case["inputShape"]
    torch.manual_seed(case["seed"])
    model = ContrastiveModel(case["architecture"], shape)
    weights = {name: value.detach().numpy().astype(np.float32).ravel().tolist() for name, value in tfjs_weights(model, shape)}
    model.train()
    x = torch.from_numpy(np.fromfile(case["inputs"], dtype="<f4").reshape([case["count"]] + shape))
    if len(shape) == 3:
        x = x.permute(0, 3, 1, 2).contiguous()
    outputs = model(x)
    seen = outputs["prediction"] if outputs["prediction"] is not None else outputs["projection"]  # every weight gets a gradient
    r = torch.from_numpy(np.fromfile(case["weights"], dtype="<f4").reshape(seen.shape))
    loss = (seen * r).sum()
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p.data = p.grad.clone()  # the gradients laid out as the weights (buffers are not trainable)
    gradients = {name: value.detach().numpy().astype(np.float32).ravel().tolist() for name, value in tfjs_weights(model, shape)
                 if not name.endswith(("/moving_mean", "/moving_variance"))}  # statistics, not trained
    return {"weights": weights, "loss": float(loss), "gradients": gradients}


if __name__ == "__main__":
    torch.set_num_threads(1)
    with open(sys.argv[1], encoding="utf8") as f:
        cases = json.load(f)
    with open(sys.argv[2], "w", encoding="utf8") as f:
        json.dump([run(c) for c in cases], f)
