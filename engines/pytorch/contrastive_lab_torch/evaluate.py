"""Weighted kNN accuracy as server/contrastive/eval/knnAccuracy.ts (the DINO evaluation): training
embeddings are the database, test embeddings the queries; each query takes its k most
cosine-similar training rows, each votes for its class with weight exp(cos / T); the class with the
largest total wins (the lowest class index on a tie)."""
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
    db = _normalize(train.float())
    correct = 0
    for start in range(0, test.shape[0], 1024):
        q = _normalize(test[start:start + 1024].float())
        sims, idx = matmul_nt(q, db).topk(k, dim=1)
        weights = torch.exp(sims.double() / temperature)
        votes = torch.zeros(q.shape[0], classes, dtype=torch.float64)
        votes.scatter_add_(1, train_labels[idx], weights)
        predictions = votes.argmax(dim=1)  # first maximum on ties, as the TypeScript loop
        correct += int((predictions == test_labels[start:start + 1024]).sum())
    return correct / test.shape[0]


@torch.no_grad()
def embed(model: torch.nn.Module, x: torch.Tensor, indices: torch.Tensor, layer: str) -> torch.Tensor:
    """The evaluated layer in inference mode (batch-norm moving statistics, no dropout), as parts.ts embed()."""
    was_training = model.training
    model.eval()
    out = []
    for start in range(0, indices.numel(), 1024):
        outputs = model(x[indices[start:start + 1024]])
        out.append(outputs["projection" if layer == "projection" else "representation"])
    model.train(was_training)
    return torch.cat(out)
