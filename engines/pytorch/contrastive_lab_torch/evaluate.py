"""The evaluations of server/contrastive/eval/: weighted kNN accuracy (knnAccuracy.ts, the DINO
evaluation: training embeddings are the database, test embeddings the queries; each query takes its
k most cosine-similar training rows, each votes for its class with weight exp(cos / T); the class
with the largest total wins, the lowest class index on a tie), retrieval metrics (retrieval.ts), the
collapse monitor (collapse.ts) and the linear probe (linearProbe.ts). Each computes on the device of
the embeddings it is given (labels are moved there); only the figures come back as Python numbers."""
import math

import torch

from .fastmm import matmul_nt


def _normalize(x: torch.Tensor) -> torch.Tensor:
    return x / torch.clamp(x.norm(dim=1, keepdim=True), min=1e-12)


@torch.no_grad()
def knn_accuracy(train: torch.Tensor, train_labels: torch.Tensor, test: torch.Tensor, test_labels: torch.Tensor, k: int, temperature: float) -> float:
    if temperature <= 0:
        raise ValueError(f"kNN evaluation: temperature must be positive, got {temperature}")
    classes = int(max(train_labels.max(), test_labels.max())) + 1
    k = min(k, train.shape[0])
    train_labels, test_labels = train_labels.to(train.device), test_labels.to(train.device)
    db = _normalize(train.float())
    correct = 0
    for start in range(0, test.shape[0], 1024):
        q = _normalize(test[start:start + 1024].float())
        sims, idx = matmul_nt(q, db).topk(k, dim=1)
        weights = torch.exp(sims.double() / temperature)
        votes = torch.zeros(q.shape[0], classes, dtype=torch.float64, device=q.device)
        votes.scatter_add_(1, train_labels[idx], weights)
        predictions = votes.argmax(dim=1)  # first maximum on ties, as the TypeScript loop
        correct += int((predictions == test_labels[start:start + 1024]).sum())
    return correct / test.shape[0]


@torch.no_grad()
def embed(model: torch.nn.Module, x: torch.Tensor, indices: torch.Tensor, layer: str) -> torch.Tensor:
    """The evaluated layer in inference mode (batch-norm moving statistics, no dropout), as parts.ts
    embed(); x may stay on the CPU: each chunk is moved to the model's device, and so is the result."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    out = []
    for start in range(0, indices.numel(), 1024):
        outputs = model(x[indices[start:start + 1024]].to(device))
        out.append(outputs["projection" if layer == "projection" else "representation"])
    model.train(was_training)
    return torch.cat(out)


def _evenly_spaced(items, limit: int):
    """At most `limit` items, evenly spaced, keeping the first (retrieval.ts evenlySpaced)."""
    if len(items) <= limit:
        return list(items)
    return [items[(i * len(items)) // limit] for i in range(limit)]


@torch.no_grad()
def retrieval_metrics(embeddings: torch.Tensor, labels: torch.Tensor, recall_at_k, metric: str, max_result_entries: int = 20_000_000) -> dict:
    """retrieval.ts: precision@1, recall@k and MAP@R of the held-out set searched against itself
    (each query leaves itself out); queries whose label occurs nowhere else are left out."""
    labels = labels.to(embeddings.device)
    per_class = torch.bincount(labels)
    max_r = int(per_class.max()) - 1
    eligible = [i for i, label in enumerate(labels.tolist()) if int(per_class[label]) > 1]
    if not eligible:
        raise ValueError("retrieval evaluation: no label occurs twice, so no query has a correct neighbour to find; check the labels or the split")
    rows = embeddings.shape[0]
    k = min(rows - 1, max([max_r] + list(recall_at_k)))
    counted = torch.tensor(_evenly_spaced(eligible, max(1, max_result_entries // k)), device=embeddings.device)
    db = embeddings.float()
    if metric == "cosine":
        db = _normalize(db)
        scores = matmul_nt(db[counted], db)
    else:  # euclidean: the smallest distance is the largest score
        queries = db[counted]
        scores = 2 * matmul_nt(queries, db) - (queries * queries).sum(1, keepdim=True) - (db * db).sum(1)[None, :]
    scores[torch.arange(counted.numel(), device=counted.device), counted] = float("-inf")  # a query never finds itself
    found = scores.topk(k, dim=1).indices
    query_labels = labels[counted]
    relevant = labels[found] == query_labels[:, None]  # [queries, k]
    r = (per_class[query_labels] - 1).double()
    precision_at_1 = float(relevant[:, 0].double().mean())
    hits = torch.cumsum(relevant.double(), dim=1)
    ranks = torch.arange(1, k + 1, dtype=torch.float64, device=hits.device)[None, :]
    within_r = ranks <= r[:, None]
    average_precision = ((hits / ranks) * relevant.double() * within_r).sum(1) / r
    # the rank of the first same-label neighbour (argmax returns the first maximum); k + 1 for none
    first_hit = torch.where(relevant.any(1), relevant.int().argmax(1), torch.full((counted.numel(),), k + 1, dtype=torch.long, device=counted.device))
    recall = {str(kk): float((first_hit < kk).double().mean()) for kk in recall_at_k}
    return {"precisionAt1": precision_at_1, "recallAtK": recall, "mapAtR": float(average_precision.mean())}


@torch.no_grad()
def collapse_std(outputs: torch.Tensor) -> float:
    """collapse.ts measureCollapse: the mean over dimensions of the (population) std over the rows
    of the L2-normalised outputs; 0 is collapse, about 1/sqrt(d) is healthy."""
    if outputs.shape[0] < 2:
        raise ValueError(f"collapse monitor: needs at least 2 outputs to measure a spread, got {outputs.shape[0]}")
    x = outputs.double()
    x = x / torch.clamp(x.norm(dim=1, keepdim=True), min=1e-12)
    return float(x.var(dim=0, unbiased=False).sqrt().mean())


def _class_count(labels: torch.Tensor, what: str) -> int:
    """labels.ts classCount: the largest label + 1; labels must be class indices."""
    if labels.numel() and int(labels.min()) < 0:
        raise ValueError(f"{what}: label {int(labels.min())} is negative; labels must be class indices 0, 1, 2, …")
    return int(labels.max()) + 1 if labels.numel() else 0


def stratified_subset(labels: torch.Tensor, fraction: float, generator: torch.Generator) -> torch.Tensor:
    """linearProbe.ts stratifiedSubset: round(fraction × class size) random rows of each class
    (at least one; halves round up, as Math.round), in ascending row order."""
    chosen = []
    for label in torch.unique(labels).tolist():
        rows = torch.nonzero(labels == label, as_tuple=True)[0]
        rows = rows[torch.randperm(rows.numel(), generator=generator)]
        chosen.append(rows[:max(1, math.floor(fraction * rows.numel() + 0.5))])
    return torch.sort(torch.cat(chosen)).values


def linear_probe(train: torch.Tensor, train_labels: torch.Tensor, test: torch.Tensor, test_labels: torch.Tensor,
                 label_fraction: float, epochs: int, seed: int, learning_rate: float = 0.1, batch_size: int = 256) -> float:
    """linearProbe.ts: a softmax classifier on frozen features of a per-class fraction of the training
    set, standardised with that set's mean and (population) std, weights starting at zero, Adam
    (learning rate 0.1) over shuffled minibatches for `epochs`; the test accuracy. Seeded: the same
    inputs and seed give the same accuracy."""
    if not 0 < label_fraction <= 1:
        raise ValueError(f"linear probe: labelFraction must be in (0, 1], got {label_fraction}")
    if epochs < 1:
        raise ValueError(f"linear probe: epochs must be a positive integer, got {epochs}")
    if train.shape[1] != test.shape[1]:
        raise ValueError(f"linear probe: training embeddings have dimension {train.shape[1]}, test embeddings {test.shape[1]}")
    if test.shape[0] == 0:
        raise ValueError("linear probe: the test set is empty; give data.split.testFraction a value above 0")
    classes = max(_class_count(train_labels, "linear probe training set"), _class_count(test_labels, "linear probe test set"))
    device = train.device
    # the random rows and orders are drawn on the CPU (the same on every device), then moved
    generator = torch.Generator().manual_seed(seed)
    rows = stratified_subset(train_labels.cpu(), label_fraction, generator).to(device)
    x = train[rows].double()
    y = train_labels.to(device)[rows]
    var, mean = torch.var_mean(x, dim=0, unbiased=False)
    scale = 1 / torch.sqrt(var + 1e-6)
    weights = torch.zeros(x.shape[1], classes, dtype=torch.float64, device=device, requires_grad=True)
    bias = torch.zeros(classes, dtype=torch.float64, device=device, requires_grad=True)
    optimizer = torch.optim.Adam([weights, bias], lr=learning_rate, eps=1e-7)  # tf.train.adam's epsilon

    def logits(features: torch.Tensor) -> torch.Tensor:
        return ((features.double() - mean) * scale) @ weights + bias

    with torch.enable_grad():
        for _ in range(epochs):
            order = torch.randperm(rows.numel(), generator=generator).to(device)
            for start in range(0, order.numel(), batch_size):
                batch = order[start:start + batch_size]
                optimizer.zero_grad(set_to_none=True)
                torch.nn.functional.cross_entropy(logits(x[batch]), y[batch]).backward()
                optimizer.step()
    with torch.no_grad():
        predictions = logits(test).argmax(dim=1)
    return float((predictions == test_labels.to(device)).double().mean())
