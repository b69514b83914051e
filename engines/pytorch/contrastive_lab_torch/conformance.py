"""The reference fixtures (test/fixtures/reference/README.md) run through this package in float64:
each distance's matrix, its probe's gradients and softmax distributions; each loss's value and its
gradients with respect to every input and learnable parameter; each miner's tuples and matrix —
compared with the tolerances of server/contrastive/conformance/compare.ts.

  PYTHONPATH=engines/pytorch python3 -m contrastive_lab_torch.conformance <fixture-folder> [--verbose]

Prints one `FAIL <fixture>: <what>` line per failure, then `N passed, M failed`; exits 0 when all
pass, 1 when any fails (or the folder has none), 2 on bad usage (`npm run conformance -- --engine pytorch <dir>` runs this)."""
import glob
import json
import math
import os
import sys
from typing import Callable, Dict, List, Optional, Sequence

import torch

from .distances import Distance
from .losses import Loss, barlow_parts, vicreg_components
from .miners import Pairs, batch_hard, multi_similarity, triplet_margin

#: compare.ts: values |a − e| ≤ VALUE_RTOL·max(1, |e|); gradients |a − e| ≤ GRAD_RTOL·max|e| + GRAD_ATOL
VALUE_RTOL = 1e-4
GRAD_RTOL = 1e-3
GRAD_ATOL = 1e-6

USAGE = "python3 -m contrastive_lab_torch.conformance <fixture-folder> [--verbose]"


class FixtureFormatError(Exception):
    """A fixture this runner cannot interpret (reported as `cannot run: ...`)."""


# ---- comparisons (compare.ts) ------------------------------------------------------------------

def _flatten(value) -> List[float]:
    return [float(v) for v in torch.as_tensor(value, dtype=torch.float64).flatten().tolist()]


def _shape(value) -> List[int]:
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        value = value[0] if value else 0
    return shape


def _where(index: int, shape: Sequence[int]) -> str:
    if not shape:
        return ""
    coords = []
    for size in reversed(shape):
        coords.insert(0, index % size)
        index //= size
    return "[" + ",".join(str(c) for c in coords) + "]"


def _check(what: str, actual, expected, tolerance: Callable[[float, float], float]) -> Optional[str]:
    shape = _shape(expected)
    e = _flatten(expected)
    a = _flatten(actual)
    if len(a) != len(e):
        return f"{what}: {len(a)} values, expected {len(e)} (shape [{','.join(str(s) for s in shape)}])"
    max_abs = max((abs(v) for v in e), default=0.0)
    worst, worst_excess, worst_dev = -1, 0.0, 0.0
    for i, (av, ev) in enumerate(zip(a, e)):
        dev = abs(av - ev)
        excess = math.inf if math.isnan(dev) else dev / tolerance(ev, max_abs)
        if excess > 1 and excess > worst_excess:
            worst, worst_excess, worst_dev = i, excess, dev
    if worst < 0:
        return None
    times = f"{worst_excess:.1f}" if math.isfinite(worst_excess) else "∞"
    return f"{what}{_where(worst, shape)}: got {a[worst]}, expected {e[worst]} (deviation {worst_dev:.2e}, {times}× the tolerance)"


def compare_values(what: str, actual, expected) -> Optional[str]:
    return _check(what, actual, expected, lambda e, _m: VALUE_RTOL * max(1.0, abs(e)))


def compare_gradient(what: str, actual, expected) -> Optional[str]:
    return _check(what, actual, expected, lambda _e, m: GRAD_RTOL * m + GRAD_ATOL)


def compare_tuples(what: str, actual: List[List[int]], expected: List[List[int]]) -> Optional[str]:
    got = {tuple(t) for t in actual}
    want = {tuple(t) for t in expected}
    missing = sorted(want - got)
    extra = sorted(got - want)
    if not missing and not extra and len(actual) == len(expected):
        return None
    parts = [f"{what}: {len(actual)} tuples, expected {len(expected)}"]
    if missing:
        parts.append(f"{len(missing)} missing (first ({','.join(map(str, missing[0]))}))")
    if extra:
        parts.append(f"{len(extra)} unexpected (first ({','.join(map(str, extra[0]))}))")
    if not missing and not extra:
        parts.append("duplicates present")
    return ", ".join(parts)


# ---- fixture params → this package's ingredients (map-params.ts) ------------------------------

def number_param(fx: dict, key: str, fallback: Optional[float] = None) -> float:
    value = fx["params"].get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if value is None and fallback is not None:
        return fallback
    raise FixtureFormatError(f"params.{key} is {json.dumps(value)}; expected a number")


def boolean_param(fx: dict, key: str, fallback: bool) -> bool:
    value = fx["params"].get(key)
    if value is None:
        return fallback
    if isinstance(value, bool):
        return value
    raise FixtureFormatError(f"params.{key} is {json.dumps(value)}; expected true or false")


def distance_from_pml(d: dict) -> dict:
    """A PML distance description ({type, p, normalizeEmbeddings, power, isInverted}) as a distance spec."""
    kind = d.get("type")
    if kind == "LpDistance":
        p, power = d.get("p"), d.get("power", 1)
        if p == 2 and power in (1, 2):
            spec = {"type": "euclidean" if power == 1 else "squaredEuclidean", "normalize": bool(d.get("normalizeEmbeddings", True))}
        elif p == 1 and power == 1:
            spec = {"type": "manhattan", "normalize": bool(d.get("normalizeEmbeddings", True))}
        else:
            raise FixtureFormatError(f"LpDistance with p={p}, power={power} is not supported (p 2 with power 1 or 2, or p 1 with power 1)")
    elif kind == "CosineSimilarity":
        spec = {"type": "cosine"}
    elif kind == "DotProductSimilarity":
        spec = {"type": "dot", "normalize": bool(d.get("normalizeEmbeddings", True))}
    else:
        raise FixtureFormatError(f'distance type "{kind}" is unknown (expected LpDistance, CosineSimilarity or DotProductSimilarity)')
    inverted = Distance(spec).inverted
    if d.get("isInverted") is not None and d["isInverted"] != inverted:
        raise FixtureFormatError(f"distance {kind} has isInverted={d['isInverted']}, but this package's is {inverted}")
    return spec


def fixture_distance(fx: dict, fallback: dict) -> dict:
    d = fx["params"].get("distance")
    return fallback if d is None else distance_from_pml(d)


EUCLIDEAN = {"type": "euclidean", "normalize": True}
COSINE = {"type": "cosine"}


def _triplet_spec(fx: dict) -> dict:
    per_anchor = fx["params"].get("tripletsPerAnchor")
    if per_anchor is not None and per_anchor != "all":
        raise FixtureFormatError(f"tripletsPerAnchor={json.dumps(per_anchor)} samples triplets at random and cannot be reproduced; only \"all\" is supported")
    return {"type": "triplet", "margin": number_param(fx, "margin", 0.05), "swap": boolean_param(fx, "swap", False), "smoothLoss": boolean_param(fx, "smoothLoss", False)}


def _negative_cosine_spec(fx: dict) -> dict:
    variant = fx["params"].get("variant", "simsiam")
    if variant not in ("simsiam", "byol"):
        raise FixtureFormatError(f'params.variant is {json.dumps(variant)}; expected "simsiam" or "byol"')
    return {"type": "negativeCosine", "form": variant}


def _nce_spec(fx: dict) -> dict:
    return {"type": "nce", "temperature": number_param(fx, "temperature", 0.1), "logNormalizer": number_param(fx, "logNormalizer", 0), "learnable": True}


#: fixture family → (loss spec, distance spec) as run-loss.ts builds them
LOSS_BUILDERS: Dict[str, Callable[[dict], tuple]] = {
    "ContrastiveLoss": lambda f: ({"type": "contrastive", "posMargin": number_param(f, "posMargin", 0), "negMargin": number_param(f, "negMargin", 1)}, fixture_distance(f, EUCLIDEAN)),
    "TripletMarginLoss": lambda f: (_triplet_spec(f), fixture_distance(f, EUCLIDEAN)),
    "NPairsLoss": lambda f: ({"type": "nPairs"}, fixture_distance(f, {"type": "dot", "normalize": True})),
    "LiftedStructureLoss": lambda f: ({"type": "liftedStructure", "posMargin": number_param(f, "posMargin", 0), "negMargin": number_param(f, "negMargin", 1)}, fixture_distance(f, EUCLIDEAN)),
    "GeneralizedLiftedStructureLoss": lambda f: ({"type": "generalizedLiftedStructure", "posMargin": number_param(f, "posMargin", 0), "negMargin": number_param(f, "negMargin", 1)}, fixture_distance(f, EUCLIDEAN)),
    "NTXentLoss": lambda f: ({"type": "infoNCE", "temperature": number_param(f, "temperature", 0.07)}, fixture_distance(f, COSINE)),
    "NTXentLoss_SimCLR": lambda f: ({"type": "infoNCE", "temperature": number_param(f, "temperature", 0.07)}, fixture_distance(f, COSINE)),
    "SupConLoss": lambda f: ({"type": "supCon", "temperature": number_param(f, "temperature", 0.1)}, fixture_distance(f, COSINE)),
    "CircleLoss": lambda f: ({"type": "circle", "m": number_param(f, "m", 0.4), "gamma": number_param(f, "gamma", 80)}, fixture_distance(f, COSINE)),
    "MultiSimilarityLoss": lambda f: ({"type": "multiSimilarity", "alpha": number_param(f, "alpha", 2), "beta": number_param(f, "beta", 50), "base": number_param(f, "base", 0.5)}, fixture_distance(f, COSINE)),
    # the reference: squared euclidean on raw embeddings; learnable so that dL/dT exists
    "SoftNearestNeighborLoss": lambda f: ({"type": "softNearestNeighbor", "temperature": number_param(f, "temperature", 1), "learnTemperature": True}, fixture_distance(f, {"type": "squaredEuclidean", "normalize": False})),
    "VICRegLoss": lambda f: ({"type": "vicreg", "invarianceWeight": number_param(f, "invarianceLambda", 25), "varianceWeight": number_param(f, "varianceMu", 25),
                              "covarianceWeight": number_param(f, "covarianceV", 1), "eps": number_param(f, "eps", 1e-4)}, COSINE),
    "BarlowTwinsLoss": lambda f: ({"type": "barlowTwins", "lambda": number_param(f, "lambda", 5e-3)}, COSINE),
    "SigLIPLoss": lambda f: ({"type": "siglip", "logitScale": number_param(f, "logitScale", math.log(10)), "logitBias": number_param(f, "logitBias", -10), "learnable": True}, COSINE),
    "NegativeCosineLoss": lambda f: (_negative_cosine_spec(f), COSINE),
    # binary NCE (test/fixtures/reference-nce): learnable so that dL/dc exists
    "NCELoss": lambda f: (_nce_spec(f), fixture_distance(f, COSINE)),
    "NCELoss_SimCLR": lambda f: (_nce_spec(f), fixture_distance(f, COSINE)),
}


def _tensor(value, what: str) -> torch.Tensor:
    if value is None:
        raise FixtureFormatError(f"{what} is missing")
    return torch.tensor(value, dtype=torch.float64)


def _labels(value) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.long)


# ---- runners (run-distance.ts, run-loss.ts, run-miner.ts) --------------------------------------

def run_distance(fx: dict) -> List[Optional[str]]:
    family = fx["family"]
    softmax = next((t for prefix, t in (("KLDivergence", "kl"), ("JensenShannon", "jensenShannon"), ("Wasserstein", "wasserstein")) if family.startswith(prefix)), None)
    spec = {"type": softmax, "temperature": number_param(fx, "temperature", 1)} if softmax else distance_from_pml(fx["params"])
    distance = Distance(spec)
    inputs, expected = fx["inputs"], fx["expected"]
    cross = fx.get("mode") == "cross"
    if cross and inputs.get("refEmbeddings") is None:
        raise FixtureFormatError('mode is "cross" but inputs.refEmbeddings is null')
    weights = _tensor(inputs.get("probeWeights"), "inputs.probeWeights")
    x = _tensor(inputs["embeddings"], "inputs.embeddings").requires_grad_(True)
    y = _tensor(inputs["refEmbeddings"], "inputs.refEmbeddings").requires_grad_(True) if cross else None
    matrix = distance.pairwise(x, y)
    failures = [compare_values("matrix", matrix.detach(), expected["matrix"])]
    operands = [x] if y is None else [x, y]
    grads = torch.autograd.grad((weights * matrix).sum(), operands, allow_unused=True)
    failures.append(compare_gradient("gradEmbeddings", _grad(grads[0], x), expected["gradEmbeddings"]))
    if y is not None and expected.get("gradRefEmbeddings") is not None:
        failures.append(compare_gradient("gradRefEmbeddings", _grad(grads[1], y), expected["gradRefEmbeddings"]))
    if softmax:
        with torch.no_grad():
            if expected.get("queryDistributions") is not None:
                failures.append(compare_values("queryDistributions", distance.distributions(x), expected["queryDistributions"]))
            if expected.get("refDistributions") is not None:
                failures.append(compare_values("refDistributions", distance.distributions(x if y is None else y), expected["refDistributions"]))
    return failures


def _grad(grad: Optional[torch.Tensor], like: torch.Tensor) -> torch.Tensor:
    """None (the input does not reach the value, e.g. a stop-gradient target) is a zero gradient."""
    return torch.zeros_like(like) if grad is None else grad


def run_loss(fx: dict) -> List[Optional[str]]:
    builder = LOSS_BUILDERS.get(fx["family"])
    if builder is None:
        raise FixtureFormatError(f'loss family "{fx["family"]}" is unknown (known: {", ".join(LOSS_BUILDERS)})')
    loss_spec, distance_spec = builder(fx)
    loss = Loss(loss_spec, distance_spec)
    inputs, expected = fx["inputs"], fx["expected"]
    views = inputs.get("views")
    concat_key = None
    if loss.form == "onlineTarget":
        if not views or "online" not in views:
            raise FixtureFormatError("inputs.views must hold { online, target }")
        operands = [(_tensor(views["online"], "views.online"), ("gradOnline", "gradEmbeddings")), (_tensor(views["target"], "views.target"), ("gradTarget", "gradRefEmbeddings"))]
        compute = lambda online, target: loss.two_views(online, target)  # noqa: E731
    elif views and "view1" in views:
        two_view = loss.form == "twoView"
        operands = [(_tensor(views["view1"], "views.view1"), ("gradView1", "gradEmbeddings") if two_view else ("gradView1",)),
                    (_tensor(views["view2"], "views.view2"), ("gradView2", "gradRefEmbeddings") if two_view else ("gradView2",))]
        # labelled losses on two views see concat(view1, view2): gradEmbeddings is the concatenation
        concat_key = None if two_view else "gradEmbeddings"
        compute = lambda v1, v2: loss.two_views(v1, v2)  # noqa: E731
    else:
        if inputs.get("labels") is None:
            raise FixtureFormatError("a labelled loss needs inputs.labels")
        labels = _labels(inputs["labels"])
        operands = [(_tensor(inputs["embeddings"], "inputs.embeddings"), ("gradEmbeddings",))]
        ref_labels = None
        if inputs.get("refEmbeddings") is not None:
            if inputs.get("refLabels") is None:
                raise FixtureFormatError("inputs.refEmbeddings is given without inputs.refLabels")
            ref_labels = _labels(inputs["refLabels"])
            operands.append((_tensor(inputs["refEmbeddings"], "inputs.refEmbeddings"), ("gradRefEmbeddings",)))
        compute = lambda emb, ref=None: loss.labelled(emb, labels, ref, ref_labels)  # noqa: E731
    tensors = [t.requires_grad_(True) for t, _ in operands]
    value = compute(*tensors)
    parameters = {"SoftNearestNeighborLoss": [("gradTemperature", loss.temperature)],
                  "SigLIPLoss": [("gradLogitScale", getattr(loss, "logit_scale", None)), ("gradLogitBias", getattr(loss, "logit_bias", None))],
                  "NCELoss": [("gradLogNormalizer", getattr(loss, "log_normalizer", None))],
                  "NCELoss_SimCLR": [("gradLogNormalizer", getattr(loss, "log_normalizer", None))]}.get(fx["family"], [])
    grads = torch.autograd.grad(value, tensors + [p for _, p in parameters], allow_unused=True)
    failures = [compare_values("loss", value.detach(), expected["loss"])]
    for (tensor, keys), grad in zip(operands, grads):
        for key in keys:
            if expected.get(key) is not None:
                failures.append(compare_gradient(key, _grad(grad, tensor), expected[key]))
    if concat_key is not None and expected.get(concat_key) is not None:
        failures.append(compare_gradient(concat_key, torch.cat([_grad(g, t) for g, (t, _) in zip(grads, operands)]), expected[concat_key]))
    for (key, parameter), grad in zip(parameters, grads[len(tensors):]):
        if expected.get(key) is not None:
            failures.append(compare_gradient(key, _grad(grad, parameter), expected[key]))
    with torch.no_grad():
        if loss.type == "barlowTwins":
            on, off = barlow_parts(*tensors)
            for key, part in (("onDiagonal", on), ("offDiagonal", off)):
                if isinstance(expected.get(key), (int, float)):
                    failures.append(compare_values(key, part, expected[key]))
        if loss.type == "vicreg" and expected.get("components") is not None:
            got = vicreg_components(loss.spec, *tensors)
            for key, want in expected["components"].items():
                failures.append(f"components.{key}: this package has no such component" if key not in got else compare_values(f"components.{key}", got[key], want))
    return failures


#: PML's type_of_triplets → the schema's mining type
SELECTIONS = {"all": "all", "hard": "hard", "semihard": "semiHard", "easy": "easy"}


def run_miner(fx: dict) -> List[Optional[str]]:
    family, inputs, expected = fx["family"], fx["inputs"], fx["expected"]
    if inputs.get("labels") is None:
        raise FixtureFormatError("a miner needs inputs.labels")
    if family.startswith("TripletMarginMiner"):
        kind = str(fx["params"].get("typeOfTriplets") or (family.split("_")[1] if "_" in family else "all"))
        if kind not in SELECTIONS:
            raise FixtureFormatError(f'typeOfTriplets "{kind}" is unknown (expected all, hard, semihard or easy)')
        distance = Distance(fixture_distance(fx, EUCLIDEAN))
        margin = number_param(fx, "margin", 0.2)
        mine = lambda *a: triplet_margin(distance, SELECTIONS[kind], margin, *a)  # noqa: E731
    elif family == "BatchHardMiner":
        distance = Distance(fixture_distance(fx, EUCLIDEAN))
        mine = lambda *a: batch_hard(distance, *a)  # noqa: E731
    elif family == "MultiSimilarityMiner":
        distance = Distance(fixture_distance(fx, COSINE))
        epsilon = number_param(fx, "epsilon", 0.1)
        mine = lambda *a: multi_similarity(distance, epsilon, *a)  # noqa: E731
    else:
        raise FixtureFormatError(f'miner family "{family}" is unknown (known: TripletMarginMiner_*, BatchHardMiner, MultiSimilarityMiner)')
    x = _tensor(inputs["embeddings"], "inputs.embeddings")
    labels = _labels(inputs["labels"])
    ref = None if inputs.get("refEmbeddings") is None else _tensor(inputs["refEmbeddings"], "inputs.refEmbeddings")
    ref_labels = None if ref is None else _labels(inputs.get("refLabels") or inputs["labels"])
    failures = []
    if expected.get("distanceMatrix") is not None:
        failures.append(compare_values("distanceMatrix", distance.pairwise(x, ref), expected["distanceMatrix"]))
    tuples = mine(x, labels, ref, ref_labels)
    zipped = lambda *cols: [list(t) for t in zip(*(c.tolist() for c in cols))]  # noqa: E731
    if isinstance(tuples, Pairs):
        if expected.get("posPairs") is None or expected.get("negPairs") is None:
            failures.append("the miner returned pairs but the fixture expects triplets")
        else:
            failures.append(compare_tuples("posPairs", zipped(tuples.pos_anchors, tuples.positives), expected["posPairs"]))
            failures.append(compare_tuples("negPairs", zipped(tuples.neg_anchors, tuples.negatives), expected["negPairs"]))
    elif expected.get("triplets") is None:
        failures.append("the miner returned triplets but the fixture expects pairs")
    else:
        failures.append(compare_tuples("triplets", zipped(*tuples), expected["triplets"]))
    return failures


RUNNERS = {"distance": run_distance, "loss": run_loss, "miner": run_miner}


def load_fixtures(folder: str) -> List[dict]:
    """Every *.json of the folder that is a fixture (index.json and other JSON without `kind` are skipped)."""
    if not os.path.isdir(folder):
        raise FileNotFoundError(f'Fixture folder "{folder}" does not exist or is not a folder.')
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        try:
            with open(path, encoding="utf8") as f:
                parsed = json.load(f)
        except ValueError as error:
            raise ValueError(f"{path}: not valid JSON ({error}).") from error
        if isinstance(parsed, dict) and parsed.get("kind") in RUNNERS:
            parsed.setdefault("name", os.path.basename(path))
            out.append(parsed)
    return out


def check_fixture(fx: dict) -> List[str]:
    """The failures of one fixture: empty when it passes."""
    try:
        failures = RUNNERS[fx["kind"]](fx)
    except FixtureFormatError as error:
        return [f"cannot run: {error}"]
    except (ValueError, RuntimeError, KeyError, IndexError, TypeError) as error:
        return [f"error: {error}"]
    return [f for f in failures if f is not None]


def main(argv: Sequence[str]) -> int:
    folder, verbose = None, False
    for arg in argv:
        if arg == "--verbose":
            verbose = True
        elif arg.startswith("-"):
            print(f"Unknown option {arg}. Usage: {USAGE}")
            return 2
        elif folder is None:
            folder = arg
        else:
            print(f'Only one fixture folder can be given (got "{folder}" and "{arg}"). Usage: {USAGE}')
            return 2
    if folder is None:
        print(f"Give the folder of fixtures to check. Usage: {USAGE}")
        return 2
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    try:
        fixtures = load_fixtures(folder)
    except (OSError, ValueError) as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"engine: pytorch (torch {torch.__version__}, float64)")
    if not fixtures:
        print(f"{folder}: no *.json fixtures here, so nothing was checked (the format: test/fixtures/reference/README.md).", file=sys.stderr)
        return 1
    failed = 0
    for fx in fixtures:
        failures = check_fixture(fx)
        failed += bool(failures)
        if verbose and not failures:
            print(f"ok   {fx['name']}")
        for failure in failures:
            print(f"FAIL {fx['name']}: {failure}")
    print(f"{len(fixtures) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
