"""server/contrastive/eval/fewShot.ts: N-way K-shot episodes on the held-out split, a
nearest-prototype classifier on frozen embeddings, the mean episode accuracy and its 95 %
confidence interval. The episodes are the very ones the TypeScript code draws from the same seed
(portable_random.py), so both engines score the same embeddings alike."""
import math
from typing import Dict, List, Optional, Tuple

import torch

from .portable_random import PortableRandom, derived_random


def few_shot_key(ways: int, shots: int) -> str:
    """The metrics.jsonl key of an N-way K-shot figure, e.g. 5way-1shot."""
    return f"{ways}way-{shots}shot"


def _rows_by_class(labels: List[int]) -> List[Tuple[int, List[int]]]:
    by_class: Dict[int, List[int]] = {}
    for row, label in enumerate(labels):
        by_class.setdefault(label, []).append(row)
    return sorted(by_class.items())


def draw_distinct(rng: PortableRandom, n: int, count: int) -> List[int]:
    """fewShot.ts drawDistinct: the first `count` steps of a Fisher–Yates shuffle of 0..n-1."""
    if count > n:
        raise ValueError(f"cannot draw {count} distinct items from {n}")
    items = list(range(n))
    for i in range(count):
        j = i + rng.next_int(n - i)
        items[i], items[j] = items[j], items[i]
    return items[:count]


def few_shot_shortfall(labels: List[int], ways: int, shots: int, queries: int) -> Optional[str]:
    """fewShot.ts fewShotShortfall: why these labels cannot hold the episodes, or None."""
    classes = _rows_by_class(labels)
    eligible = sum(1 for _, rows in classes if len(rows) >= shots + queries)
    if eligible >= ways:
        return None
    return (f"eval.fewShot: {ways}-way {shots}-shot episodes need {ways} classes with at least {shots + queries} held-out samples each "
            f"({shots} shots + {queries} queries), but the held-out split has {eligible} such class{'' if eligible == 1 else 'es'} of {len(classes)}; "
            "lower eval.fewShot.ways or queries, or hold out more samples (data.split.testFraction)")


def draw_episodes(labels: List[int], ways: int, shots: int, queries: int, episodes: int, seed: int):
    """fewShot.ts drawEpisodes: (classes, support rows per class, query rows per class) per episode."""
    eligible = [(label, rows) for label, rows in _rows_by_class(labels) if len(rows) >= shots + queries]
    if len(eligible) < ways:
        raise ValueError(few_shot_shortfall(labels, ways, shots, queries))
    rng = derived_random(seed, "fewShot", ways, shots)
    for _ in range(episodes):
        chosen = [eligible[i] for i in draw_distinct(rng, len(eligible), ways)]
        support, query = [], []
        for _, rows in chosen:
            picked = [rows[i] for i in draw_distinct(rng, len(rows), shots + queries)]
            support.append(picked[:shots])
            query.append(picked[shots:])
        yield [label for label, _ in chosen], support, query


def _unit(x: torch.Tensor) -> torch.Tensor:
    """Rows scaled to length 1; a zero row stays zero."""
    norms = x.norm(dim=1, keepdim=True)
    return torch.where(norms > 0, x / torch.where(norms > 0, norms, torch.ones_like(norms)), x)


@torch.no_grad()
def few_shot_accuracy(embeddings: torch.Tensor, labels: torch.Tensor, ways: int, shots: int, queries: int, episodes: int, seed: int, metric: str) -> dict:
    """{accuracy, ci95, episodes}: the mean episode accuracy and 1.96 · sd / √episodes (population sd).
    cosine: prototypes of the L2-normalised supports, nearest by cosine; euclidean: plain means,
    nearest by distance; the first prototype wins a tie."""
    for name, value, least in (("ways", ways, 2), ("shots", shots, 1), ("queries", queries, 1), ("episodes", episodes, 1)):
        if int(value) != value or value < least:
            raise ValueError(f"few-shot evaluation: {name} must be an integer of at least {least}, got {value}")
    x = embeddings.double()
    if metric == "cosine":
        x = _unit(x)
    accuracies = []
    for _, support, query in draw_episodes(labels.tolist(), ways, shots, queries, episodes, seed):
        # on the embeddings' device (a GPU run evaluates there)
        prototypes = torch.stack([x[torch.tensor(rows, device=x.device)].mean(0) for rows in support])
        q = x[torch.tensor([row for rows in query for row in rows], device=x.device)]
        truth = torch.arange(ways, device=x.device).repeat_interleave(queries)
        if metric == "cosine":
            scores = q @ _unit(prototypes).T
        else:
            scores = -((q[:, None, :] - prototypes[None, :, :]) ** 2).sum(-1)
        accuracies.append(float((scores.argmax(1) == truth).double().mean()))
    mean = sum(accuracies) / len(accuracies)
    sd = math.sqrt(sum((a - mean) ** 2 for a in accuracies) / len(accuracies))
    return {"accuracy": mean, "ci95": 1.96 * sd / math.sqrt(len(accuracies)), "episodes": episodes}
