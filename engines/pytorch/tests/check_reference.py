"""Checks the mirror's labelled losses and the batchHard miner against the float64 reference
fixtures (test/fixtures/reference, PML 2.8.1 values): loss and gradients, or the mined triplets.

  PYTHONPATH=engines/pytorch /usr/bin/python3 engines/pytorch/tests/check_reference.py [fixtures dir]

Prints one line per fixture and exits 1 if any differs beyond 1e-6 relative (float64 here)."""
import glob
import json
import os
import sys

import torch

from contrastive_lab_torch import losses as L
from contrastive_lab_torch.distances import Distance
from contrastive_lab_torch.miners import batch_hard

torch.set_default_dtype(torch.float64)

PML_DISTANCES = {"LpDistance": lambda d: {"type": ("euclidean" if d["p"] == 2 else "manhattan") if d["power"] == 1 else "squaredEuclidean", "normalize": d["normalizeEmbeddings"]},
                 "DotProductSimilarity": lambda d: {"type": "dot", "normalize": d["normalizeEmbeddings"]},
                 "CosineSimilarity": lambda d: {"type": "cosine"}}


def distance_of(params, default):
    """The fixture's distance as a distance spec (params.distance, or `default`)."""
    d = params.get("distance")
    return PML_DISTANCES[d["type"]](d) if d else default


def close(a, b, tol=1e-6):
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    return bool(torch.allclose(a, b, rtol=tol, atol=tol))


def check(fx) -> str:
    family, params, inputs, expected = fx["family"], fx["params"], fx["inputs"], fx["expected"]
    if family not in ("BatchHardMiner", "NPairsLoss", "LiftedStructureLoss", "SoftNearestNeighborLoss", "TripletMarginLoss"):
        return "skip"
    if inputs.get("embeddings") is not None and inputs.get("labels") is not None:
        emb = torch.tensor(inputs["embeddings"], requires_grad=True)
        labels = torch.tensor(inputs["labels"])
    else:
        v1, v2 = torch.tensor(inputs["views"]["view1"]), torch.tensor(inputs["views"]["view2"])
        emb = torch.cat([v1, v2]).requires_grad_(True)
        labels = L.pair_ids(v1.shape[0])
    if family == "BatchHardMiner":
        a, p, n = batch_hard(Distance(distance_of(params, None)), emb, labels)
        got = sorted([[int(x), int(y), int(z)] for x, y, z in zip(a, p, n)])
        return "ok" if got == expected["triplets"] else f"triplets {got} != {expected['triplets']}"
    t = None
    if family == "NPairsLoss":
        loss = L.Loss({"type": "nPairs"}, distance_of(params, None)).labelled(emb, labels)
    elif family == "LiftedStructureLoss":
        loss = L.Loss({"type": "liftedStructure", "posMargin": params["posMargin"], "negMargin": params["negMargin"]}, distance_of(params, None)).labelled(emb, labels)
    elif family == "SoftNearestNeighborLoss":
        snn = L.Loss({"type": "softNearestNeighbor", "temperature": float(params["temperature"]), "learnTemperature": True},
                     distance_of(params, {"type": "squaredEuclidean", "normalize": False}))
        t = snn.temperature
        loss = snn.labelled(emb, labels)
    else:
        loss = L.Loss({"type": "triplet", "margin": params["margin"], "swap": params.get("swap", False), "smoothLoss": params.get("smoothLoss", False)},
                      distance_of(params, None)).labelled(emb, labels)
    loss.backward()
    problems = []
    if not close(float(loss), expected["loss"]):
        problems.append(f"loss {float(loss)} != {expected['loss']}")
    grad = expected.get("gradEmbeddings")
    if grad is None and expected.get("gradView1") is not None:
        grad = expected["gradView1"] + expected["gradView2"]
    if grad is not None and not close(emb.grad, grad):
        problems.append(f"gradient differs (max |Δ| {float((emb.grad - torch.tensor(grad)).abs().max()):.3g})")
    if t is not None and expected.get("gradTemperature") is not None and not close(t.grad, expected["gradTemperature"]):
        problems.append(f"dL/dT {float(t.grad)} != {expected['gradTemperature']}")
    return "ok" if not problems else "; ".join(problems)


def check_clip_overflow() -> str:
    """clip_by_global_norm on finite gradients whose squares overflow float32 (|g| = 1e20) clips them to
    max_norm instead of zeroing them (a plain sqrt(sum(g^2)) is inf and max_norm / inf = 0)."""
    from contrastive_lab_torch.optim import clip_by_global_norm
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))
    a.grad, b.grad = torch.tensor([3e20, 0.0]), torch.tensor([0.0, 4e20])
    norm = clip_by_global_norm([a, b], 1.0)
    ok = close(norm / 5e20, 1.0, 1e-5) and close(a.grad.tolist()[0], 0.6, 1e-5) and close(b.grad.tolist()[1], 0.8, 1e-5)
    return "ok" if ok else f"norm {norm}, gradients {a.grad.tolist()} {b.grad.tolist()}"


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "test", "fixtures", "reference")
    failed = 0
    clip = check_clip_overflow()
    failed += clip != "ok"
    print(f"clip_by_global_norm overflow: {clip}")
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(path, encoding="utf8") as f:
            fx = json.load(f)
        if not isinstance(fx, dict) or "family" not in fx:
            continue
        result = check(fx)
        if result == "skip":
            continue
        failed += result != "ok"
        print(f"{fx['name']}: {result}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
