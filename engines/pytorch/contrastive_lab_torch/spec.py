"""Checks a resolved spec (server/spec/types.ts) against what this engine mirrors, before any
training starts: an unsupported ingredient raises Unsupported naming the field and its value,
never a silent substitute."""
from .errors import Unsupported

#: losses that compare labelled embeddings (pairs of same label/pair id are positives); each takes mined tuples
LABELLED_LOSSES = {"contrastive", "triplet", "nPairs", "liftedStructure", "generalizedLiftedStructure", "infoNCE", "supCon",
                   "circle", "softNearestNeighbor", "multiSimilarity", "nce"}
#: losses of class logits (a classifier head on the representation: finetune.py)
CLASS_LOSSES = {"crossEntropy"}
LOSSES = LABELLED_LOSSES | {"negativeCosine", "vicreg", "barlowTwins", "siglip"} | CLASS_LOSSES
#: losses that take a queue (refEmbeddings): every labelled one but nPairs and liftedStructure (supportsReference)
QUEUE_LOSSES = LABELLED_LOSSES - {"nPairs", "liftedStructure"}
#: pairs.mining types the engine has ("none" aside)
MINERS = {"batchHard", "hard", "semiHard", "easy", "all", "multiSimilarity"}
DISTANCES = {"cosine", "dot", "euclidean", "squaredEuclidean", "manhattan", "kl", "jensenShannon", "wasserstein"}
BACKBONES = {"mlp", "convnet", "resnet"}
ACTIVATIONS = {"relu", "gelu", "tanh", "elu", "swish"}
OPTIMIZERS = {"sgd", "adam", "adamw", "lars"}
SCHEDULES = {"constant", "cosine", "warmup"}
SAMPLERS = {"random", "mPerClass"}
NEGATIVES = {"batch", "queue", "none"}
AUGMENTATIONS = {"randomResizedCrop", "flip", "affine", "brightness", "contrast", "gaussianNoise",
                 "gaussianBlur", "cutout", "featureNoise", "featureMask", "hue", "grayscale"}
IMAGE_AUGMENTATIONS = AUGMENTATIONS - {"featureNoise", "featureMask"}
#: the optional evaluations (eval.<name>: an object, or null for off) the engine computes;
#: as EVALUATIONS in server/spec/experiment.ts declares for "pytorch"
EVALUATIONS = {"knn", "linearProbe", "retrieval", "fewShot", "labelEfficiency"}


def check_supported(spec: dict, sample_shape) -> None:
    loss = spec["loss"]
    if loss["type"] not in LOSSES:
        raise Unsupported("loss.type", loss["type"])
    pairs = spec["pairs"]
    mining = pairs["mining"]["type"]
    if mining != "none" and mining not in MINERS:
        raise Unsupported("pairs.mining.type", mining)
    if pairs["negatives"]["type"] not in NEGATIVES:
        raise Unsupported("pairs.negatives.type", pairs["negatives"]["type"])
    if pairs["negatives"]["type"] == "queue" and loss["type"] not in QUEUE_LOSSES:
        raise Unsupported("pairs.negatives.type", "queue", f'with loss.type "{loss["type"]}" is not a valid recipe (the loss takes no reference embeddings)')
    if pairs["sampler"]["type"] not in SAMPLERS:
        raise Unsupported("pairs.sampler.type", pairs["sampler"]["type"])
    if pairs["positives"] not in ("labels", "augmentation"):
        raise Unsupported("pairs.positives", pairs["positives"])
    if loss["type"] in CLASS_LOSSES and pairs["positives"] != "labels":
        raise Unsupported("pairs.positives", pairs["positives"], f'with loss.type "{loss["type"]}" is not a valid recipe (the classifier learns the labels: use pairs.positives: labels)')
    if pairs["positives"] == "labels" and loss["type"] not in LABELLED_LOSSES | CLASS_LOSSES:
        raise Unsupported("pairs.positives", "labels", f'with loss.type "{loss["type"]}" is not a valid recipe (the loss compares two views)')
    images = len(sample_shape) == 3
    for view in ("weak", "strong"):
        for i, op in enumerate(pairs["views"][view]):
            if op["type"] not in AUGMENTATIONS:
                raise Unsupported(f"pairs.views.{view}[{i}].type", op["type"])
            if images != (op["type"] in IMAGE_AUGMENTATIONS):
                raise Unsupported(f"pairs.views.{view}[{i}].type", op["type"], f"does not apply to data of shape {list(sample_shape)}")
    if loss["type"] in LABELLED_LOSSES and spec["distance"]["type"] not in DISTANCES:
        raise Unsupported("distance.type", spec["distance"]["type"])
    arch = spec["architecture"]
    backbone = arch["backbone"]
    if backbone["type"] not in BACKBONES:
        raise Unsupported("architecture.backbone.type", backbone["type"])
    if backbone["type"] in ("convnet", "resnet") and not images:
        raise Unsupported("architecture.backbone.type", backbone["type"], f"needs image data, not shape {list(sample_shape)}")
    if backbone["activation"] not in ACTIVATIONS:
        raise Unsupported("architecture.backbone.activation", backbone["activation"])
    for head in ("projection", "prediction"):
        if arch[head] is not None and arch[head]["activation"] not in ACTIVATIONS:
            raise Unsupported(f"architecture.{head}.activation", arch[head]["activation"])
    strategy = spec["strategy"]
    if strategy["optimizer"]["type"] not in OPTIMIZERS:
        raise Unsupported("strategy.optimizer.type", strategy["optimizer"]["type"])
    if strategy["schedule"]["type"] not in SCHEDULES:
        raise Unsupported("strategy.schedule.type", strategy["schedule"]["type"])
    if spec["eval"]["layer"] not in ("representation", "projection"):
        raise Unsupported("eval.layer", spec["eval"]["layer"])


def check_engine_supported(spec: dict, sample_shape) -> None:
    """What the engine (which writes a run directory) needs beyond the mirror: every evaluation
    the spec asks for (the mirror reports kNN accuracy only). Two towers are checked as their own
    recipe (towers.py): the one-network ingredients and evaluations do not apply to them."""
    if is_towers(spec):
        check_towers_supported(spec)
        return
    check_supported(spec, sample_shape)
    for name, value in spec["eval"].items():
        if isinstance(value, dict) and name not in EVALUATIONS:
            raise Unsupported(f"eval.{name}", value, "is not implemented on the PyTorch engine yet; remove it or train on tfjs")
    # init (an earlier run's weights) and data.labelFraction are the engine's (finetune.py)


#: the losses that train across two towers (towerParts.ts)
TOWER_LOSSES = ("siglip", "infoNCE")


def is_towers(spec: dict) -> bool:
    return spec["architecture"].get("towers") is not None or spec["data"].get("pairs") is not None


def check_towers_supported(spec: dict) -> None:
    """The two-tower recipes this engine trains; anything else is refused naming the field."""
    towers = spec["architecture"].get("towers")
    if towers is None:
        raise Unsupported("data.pairs", spec["data"].get("pairs"), "(paired data) needs architecture.towers")
    if spec["loss"]["type"] not in TOWER_LOSSES:
        raise Unsupported("loss.type", spec["loss"]["type"], "does not train across two towers; use siglip or infoNCE")
    if towers["a"]["type"] != "network":
        raise Unsupported("architecture.towers.a.type", towers["a"]["type"], "on the PyTorch engine: side a must be a network tower (image or numbers); train this spec on tfjs")
    if towers["b"]["type"] != "text":
        raise Unsupported("architecture.towers.b.type", towers["b"]["type"], "on the PyTorch engine: side b must be a text tower; train this spec on tfjs")
    for name in ("a", "b"):
        if towers[name].get("locked"):
            raise Unsupported(f"architecture.towers.{name}.locked", True, "(a locked tower) is not implemented on the PyTorch engine yet; train this spec on tfjs")
        if towers[name].get("init") is not None:
            raise Unsupported(f"architecture.towers.{name}.init", towers[name]["init"], "(a tower from an earlier run) is not implemented on the PyTorch engine yet; train this spec on tfjs")
    if spec.get("init") is not None:
        raise Unsupported("init", spec["init"], "with two towers is not implemented on the PyTorch engine yet; train this spec on tfjs")
    strategy = spec["strategy"]
    if strategy["optimizer"]["type"] not in OPTIMIZERS:
        raise Unsupported("strategy.optimizer.type", strategy["optimizer"]["type"])
    if strategy["schedule"]["type"] not in SCHEDULES:
        raise Unsupported("strategy.schedule.type", strategy["schedule"]["type"])
    network = towers["a"]
    if network["backbone"]["type"] not in BACKBONES:
        raise Unsupported("architecture.towers.a.backbone.type", network["backbone"]["type"])
    if network["backbone"]["activation"] not in ACTIVATIONS:
        raise Unsupported("architecture.towers.a.backbone.activation", network["backbone"]["activation"])
    if network["projection"] is not None and network["projection"]["activation"] not in ACTIVATIONS:
        raise Unsupported("architecture.towers.a.projection.activation", network["projection"]["activation"])


