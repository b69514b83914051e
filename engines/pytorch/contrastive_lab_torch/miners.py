"""The miners of server/contrastive/miners/ (pytorch-metric-learning's definitions): batchHard,
the triplet-margin miners (all, hard, semiHard, easy) and multiSimilarity. A miner reads the
batch's distance matrix without gradient and returns index tuples, sorted lexicographically:
triplets (anchors, positives, negatives) or pairs (positive pairs, negative pairs). With reference
embeddings, anchors index the embeddings and positives/negatives the reference."""
from typing import NamedTuple, Optional

import torch

from .distances import Distance

#: pairs.mining.type values this module implements ("none" = no miner)
MINING_TYPES = ("none", "batchHard", "all", "hard", "semiHard", "easy", "multiSimilarity")


class Triplets(NamedTuple):
    anchors: torch.Tensor
    positives: torch.Tensor
    negatives: torch.Tensor


class Pairs(NamedTuple):
    pos_anchors: torch.Tensor
    positives: torch.Tensor
    neg_anchors: torch.Tensor
    negatives: torch.Tensor


def label_masks(labels: torch.Tensor, ref_labels: torch.Tensor, self_mode: bool):
    """batch-view.ts isPositive / isNegative as boolean rows×cols masks (i ≠ j for positives in self mode)."""
    same = labels[:, None] == ref_labels[None, :]
    pos = same.clone()
    if self_mode:
        pos.fill_diagonal_(False)
    return pos, ~same


def _view(distance: Distance, emb: torch.Tensor, labels: torch.Tensor, ref: Optional[torch.Tensor], ref_labels: Optional[torch.Tensor], name: str):
    if labels.shape[0] != emb.shape[0]:
        raise ValueError(f"{name} miner: {labels.shape[0]} labels for {emb.shape[0]} embeddings; give one label per row")
    self_mode = ref is None
    refs = labels if self_mode else (labels if ref_labels is None else ref_labels)
    if not self_mode and refs.shape[0] != ref.shape[0]:
        raise ValueError(f"{name} miner: refLabels must give one label per refEmbeddings row")
    with torch.no_grad():
        mat = distance.pairwise(emb.detach(), None if ref is None else ref.detach())
    pos, neg = label_masks(labels, refs, self_mode)
    return mat, pos, neg


def batch_hard(distance: Distance, emb, labels, ref=None, ref_labels=None) -> Triplets:
    """batch-hard.ts: per anchor with a positive and a negative, its farthest positive and its
    nearest negative (the first one on a tie)."""
    mat, pos, neg = _view(distance, emb, labels, ref, ref_labels, "batchHard")
    far = -mat if distance.inverted else mat
    inf = torch.tensor(float("inf"), dtype=far.dtype, device=far.device)
    hardest_pos = torch.where(pos, far, -inf).argmax(dim=1)
    hardest_neg = torch.where(neg, far, inf).argmin(dim=1)
    anchors = torch.nonzero(pos.any(dim=1) & neg.any(dim=1), as_tuple=True)[0]
    return Triplets(anchors, hardest_pos[anchors], hardest_neg[anchors])


def triplet_margin(distance: Distance, selection: str, margin: float, emb, labels, ref=None, ref_labels=None) -> Triplets:
    """triplet-margin.ts: over all (a, p, n), tm = D_an − D_ap (S_ap − S_an for a similarity);
    all: tm ≤ margin; hard: tm ≤ 0; semiHard: 0 < tm ≤ margin; easy: tm > margin."""
    mat, pos, neg = _view(distance, emb, labels, ref, ref_labels, f"{selection} triplet")
    sign = -1.0 if distance.inverted else 1.0
    found = []
    # one anchor at a time: a rows×cols×cols cube would be too big for large batches
    for a in torch.nonzero(pos.any(dim=1) & neg.any(dim=1), as_tuple=True)[0].tolist():
        tm = sign * (mat[a][None, :] - mat[a][:, None])  # [p, n]
        if selection == "all":
            chosen = tm <= margin
        elif selection == "hard":
            chosen = tm <= 0
        elif selection == "semiHard":
            chosen = (tm > 0) & (tm <= margin)
        else:
            chosen = tm > margin
        p, n = torch.nonzero(chosen & pos[a][:, None] & neg[a][None, :], as_tuple=True)
        found.append((torch.full_like(p, a), p, n))
    if not found:
        empty = torch.zeros(0, dtype=torch.long, device=mat.device)
        return Triplets(empty, empty, empty)
    return Triplets(*(torch.cat(parts) for parts in zip(*found)))


def multi_similarity(distance: Distance, epsilon: float, emb, labels, ref=None, ref_labels=None) -> Pairs:
    """multi-similarity.ts: on closeness c (the similarity, or −D), keep positive pairs with
    c − ε < the closest negative's c and negative pairs with c + ε > the farthest positive's c,
    for anchors that have both."""
    mat, pos, neg = _view(distance, emb, labels, ref, ref_labels, "multiSimilarity")
    close = mat if distance.inverted else -mat
    inf = torch.tensor(float("inf"), dtype=close.dtype, device=close.device)
    closest_neg = torch.where(neg, close, -inf).max(dim=1, keepdim=True).values
    farthest_pos = torch.where(pos, close, inf).min(dim=1, keepdim=True).values
    both = (pos.any(dim=1) & neg.any(dim=1))[:, None]
    pa, pp = torch.nonzero(pos & both & (close - epsilon < closest_neg), as_tuple=True)
    na, nn = torch.nonzero(neg & both & (close + epsilon > farthest_pos), as_tuple=True)
    return Pairs(pa, pp, na, nn)


class Miner:
    """A pairs.mining block (not "none"): mine(emb, labels, ref, ref_labels) → Triplets | Pairs."""

    def __init__(self, spec: dict, distance: Distance):
        self.type = spec["type"]
        if self.type not in MINING_TYPES or self.type == "none":
            raise ValueError(f'pairs.mining.type "{self.type}" is not a miner; use one of {", ".join(MINING_TYPES[1:])}')
        self.spec = spec
        self.distance = distance

    def mine(self, emb, labels, ref=None, ref_labels=None):
        if self.type == "batchHard":
            return batch_hard(self.distance, emb, labels, ref, ref_labels)
        if self.type == "multiSimilarity":
            return multi_similarity(self.distance, float(self.spec["epsilon"]), emb, labels, ref, ref_labels)
        return triplet_margin(self.distance, self.type, float(self.spec["margin"]), emb, labels, ref, ref_labels)


def create_miner(spec: dict, distance: Distance) -> Optional[Miner]:
    """The miner of pairs.mining, or None for "none" (the loss then uses every pair / triplet)."""
    return None if spec["type"] == "none" else Miner(spec, distance)
