"""The losses of server/contrastive/losses/ that the mirror supports, reduced exactly as there
(pytorch-metric-learning's definitions): infoNCE (NT-Xent, also with a MoCo reference queue),
supCon, nPairs, liftedStructure, softNearestNeighbor, triplet, negativeCosine (simsiam | byol),
vicreg, barlowTwins; the distances they sit on, and the batchHard miner (miners/batch-hard.ts)."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F

from .fastmm import matmul, matmul_nt

EXCLUDED = -1e30
#: losses whose supportsMining is true in server/contrastive/losses (mined tuples replace the label pairs)
MINED_LOSSES = {"nPairs", "liftedStructure", "softNearestNeighbor", "triplet"}


def normalize_rows(x: torch.Tensor, p: int = 2) -> torch.Tensor:
    """tensor-utils normalizeRows: x / max(‖x‖_p, 1e-12)."""
    norm = x.abs().sum(dim=1, keepdim=True) if p == 1 else (x * x).sum(dim=1, keepdim=True).sqrt()
    return x / torch.clamp(norm, min=1e-12)


def _safe_sqrt(x: torch.Tensor) -> torch.Tensor:
    positive = (x > 0).to(x.dtype)
    return torch.sqrt(x * positive + (1 - positive)) * positive


class Distance:
    """distances/: similarities (cosine, dot) are 'inverted' (larger = closer)."""

    def __init__(self, spec: dict):
        self.type = spec["type"]
        self.inverted = self.type in ("cosine", "dot")
        self.normalize = True if self.type == "cosine" else bool(spec.get("normalize", False))

    def pairwise(self, x: torch.Tensor, y: Optional[torch.Tensor] = None) -> torch.Tensor:
        p = 1 if self.type == "manhattan" else 2
        a = normalize_rows(x, p) if self.normalize else x
        b = a if y is None else (normalize_rows(y, p) if self.normalize else y)
        if self.inverted:
            return matmul_nt(a, b)
        if self.type == "manhattan":
            return (a[:, None, :] - b[None, :, :]).abs().sum(dim=2)
        if a.shape[0] * b.shape[0] * a.shape[1] <= (1 << 20):
            squared = ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=2)
        else:
            squared = torch.relu((a * a).sum(1, keepdim=True) + (b * b).sum(1)[None, :] - 2 * matmul_nt(a, b))
            if y is None:
                squared = squared * (1 - torch.eye(a.shape[0], dtype=a.dtype))
        return squared if self.type == "squaredEuclidean" else _safe_sqrt(squared)


def pair_ids(n: int) -> torch.Tensor:
    return torch.arange(2 * n) % n


def masked_logsumexp(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Row-wise log Σ exp over mask = 1 entries; 0 for rows with none (tensor-utils maskedLogSumExp)."""
    masked = x + (1 - mask) * EXCLUDED
    any_ = (mask.sum(dim=1, keepdim=True) > 0).to(x.dtype)
    shift = masked.max(dim=1, keepdim=True).values.detach() * any_
    total = (torch.exp(masked - shift) * mask).sum(dim=1, keepdim=True) + (1 - any_)
    return ((torch.log(total) + shift) * any_).squeeze(1)


def _masks(labels: torch.Tensor, ref_labels: torch.Tensor, self_mode: bool):
    same = labels[:, None] == ref_labels[None, :]
    pos = same.clone()
    if self_mode:
        pos.fill_diagonal_(False)
    return pos.float(), (~same).float()


def _logits(distance: Distance, emb, ref, temperature):
    mat = distance.pairwise(emb, ref)
    return (mat if distance.inverted else -mat) / temperature


def info_nce(distance: Distance, temperature: float, emb: torch.Tensor, labels: torch.Tensor,
             ref: Optional[torch.Tensor] = None, ref_labels: Optional[torch.Tensor] = None) -> torch.Tensor:
    self_mode = ref is None
    pos, neg = _masks(labels, labels if self_mode else ref_labels, self_mode)
    logits = _logits(distance, emb, ref, temperature)
    pos_count = float(pos.sum())
    if float(pos.sum(dim=1).max()) <= 1:
        # one positive per row (SimCLR / MoCo): cross-entropy over every k ≠ i
        candidates = logits + torch.eye(logits.shape[0], dtype=logits.dtype) * EXCLUDED if self_mode else logits
        has_positive = (pos.sum(dim=1) > 0).to(logits.dtype)
        terms = torch.logsumexp(candidates, dim=1) * has_positive - (logits * pos).sum(dim=1)
        return terms.sum() / max(pos_count, 1.0)
    has_neg = (neg.sum(dim=1, keepdim=True) > 0).to(logits.dtype)
    neg_lse = masked_logsumexp(logits, neg)[:, None]
    terms = F.softplus(neg_lse - logits) * has_neg
    return (terms * pos).sum() / max(pos_count, 1.0)


def sup_con(distance: Distance, temperature: float, emb: torch.Tensor, labels: torch.Tensor,
            ref: Optional[torch.Tensor] = None, ref_labels: Optional[torch.Tensor] = None) -> torch.Tensor:
    self_mode = ref is None
    pos, neg = _masks(labels, labels if self_mode else ref_labels, self_mode)
    mat = distance.pairwise(emb, ref)
    if float(pos.sum()) == 0 or float(neg.sum()) == 0:
        return mat.sum() * 0
    logits = (mat if distance.inverted else -mat) / temperature
    denominator = masked_logsumexp(logits, pos + neg)
    log_prob = logits - denominator[:, None]
    mean_log_prob_pos = (pos * log_prob).sum(dim=1) / (pos.sum(dim=1) + 1e-30)
    terms = -mean_log_prob_pos
    positive = (terms > 0).to(terms.dtype)
    return (terms * positive).sum() / torch.clamp(positive.sum(), min=1.0)


# ---- labelled pair / triplet losses (losses/labelled-batch.ts, n-pairs.ts, lifted-structure.ts,
# soft-nearest-neighbor.ts, triplet.ts) ----------------------------------------------------------

Triplets = Tuple[torch.Tensor, torch.Tensor, torch.Tensor]


def _margin(distance: "Distance", x, y):
    """base.ts margin: how far x is beyond y in the closer direction (PML distance.margin)."""
    return y - x if distance.inverted else x - y


def pair_masks(labels: torch.Tensor, triplets: Optional[Triplets] = None):
    """labelled-batch.ts pairMasks (self mode): from labels, or exactly the mined (a,p) and (a,n) pairs."""
    n = labels.shape[0]
    if triplets is None:
        return _masks(labels, labels, True)
    a, p, neg = triplets
    pos = torch.zeros(n, n)
    negm = torch.zeros(n, n)
    pos[a, p] = 1
    negm[a, neg] = 1
    return pos, negm


def all_triplets(labels: torch.Tensor, triplets: Optional[Triplets] = None) -> Triplets:
    """labelled-batch.ts triplets: the mined ones, or every (a, p, n) in lexicographic order."""
    if triplets is not None:
        return triplets
    pos, neg = pair_masks(labels)
    cube = pos[:, :, None] * neg[:, None, :]
    a, p, n = torch.nonzero(cube, as_tuple=True)
    return a, p, n


def batch_hard_mine(distance: "Distance", emb: torch.Tensor, labels: torch.Tensor) -> Triplets:
    """miners/batch-hard.ts (PML BatchHardMiner): per anchor with a positive and a negative, its
    farthest positive and its nearest negative (in distance orientation)."""
    with torch.no_grad():
        mat = distance.pairwise(emb)
        far = -mat if distance.inverted else mat
        pos, neg = pair_masks(labels)
        big = 1e30
        hardest_pos = torch.where(pos > 0, far, torch.full_like(far, -big)).argmax(dim=1)
        hardest_neg = torch.where(neg > 0, far, torch.full_like(far, big)).argmin(dim=1)
        keep = (pos.sum(dim=1) > 0) & (neg.sum(dim=1) > 0)
        anchors = torch.nonzero(keep, as_tuple=True)[0]
        return anchors, hardest_pos[anchors], hardest_neg[anchors]


def avg_non_zero(terms: torch.Tensor) -> torch.Tensor:
    """reducers/avg-non-zero.ts: mean over the strictly positive terms, 0 when none."""
    positive = (terms > 0).to(terms.dtype)
    return (terms * positive).sum() / torch.clamp(positive.sum(), min=1.0)


def n_pairs(distance: "Distance", emb: torch.Tensor, labels: torch.Tensor, triplets: Optional[Triplets] = None) -> torch.Tensor:
    """n-pairs.ts (PML NPairsLoss): per label (ascending) its first positive pair in row-major order;
    cross-entropy of each anchor's similarities to all chosen positives, target its own; mean."""
    pos, _ = pair_masks(labels, triplets)
    chosen = {}
    for flat in torch.nonzero(pos.flatten(), as_tuple=True)[0].tolist():
        a, p = divmod(flat, pos.shape[1])
        chosen.setdefault(int(labels[a]), (a, p))
    if not chosen:
        return emb.sum() * 0
    pairs = [chosen[c] for c in sorted(chosen)]
    anchors = torch.tensor([a for a, _ in pairs])
    positives = torch.tensor([p for _, p in pairs])
    sim = distance.pairwise(emb[anchors], emb[positives])
    logits = sim if distance.inverted else -sim
    return F.cross_entropy(logits, torch.arange(len(pairs)))


def lifted_structure(distance: "Distance", pos_margin: float, neg_margin: float, emb: torch.Tensor,
                     labels: torch.Tensor, triplets: Optional[Triplets] = None) -> torch.Tensor:
    """lifted-structure.ts (PML LiftedStructureLoss): for each ordered positive pair (a, p),
    J = logsumexp over a's and p's negatives of margin(negMargin, D) + margin(D_ap, posMargin),
    l = relu(J)²/2, mean over the positive pairs."""
    pos, neg = pair_masks(labels, triplets)
    mat = distance.pairwise(emb)
    if float(pos.sum()) == 0 or float(neg.sum()) == 0:
        return mat.sum() * 0
    a, p = torch.nonzero(pos, as_tuple=True)
    row_lse = masked_logsumexp(_margin(distance, neg_margin, mat), neg)
    has_neg = neg.sum(dim=1) > 0
    row_lse = torch.where(has_neg, row_lse, torch.full_like(row_lse, EXCLUDED))
    union = torch.logaddexp(row_lse[a], row_lse[p])
    either = (has_neg[a] | has_neg[p]).to(mat.dtype)
    j = union * either + _margin(distance, mat[a, p], pos_margin)
    return (torch.relu(j) ** 2 / 2).mean()


def soft_nearest_neighbor(distance: "Distance", temperature: torch.Tensor, emb: torch.Tensor, labels: torch.Tensor,
                          triplets: Optional[Triplets] = None) -> torch.Tensor:
    """soft-nearest-neighbor.ts: l_i = lse_{k≠i}(−d_ik/T) − lse_{j≠i, y_j=y_i}(−d_ij/T), mean over rows with a positive."""
    pos, neg = pair_masks(labels, triplets)
    mat = distance.pairwise(emb)
    logits = (mat if distance.inverted else -mat) / temperature
    terms = masked_logsumexp(logits, pos + neg) - masked_logsumexp(logits, pos)
    has_pos = (pos.sum(dim=1) > 0).to(terms.dtype)
    return (terms * has_pos).sum() / max(float(has_pos.sum()), 1.0)


def triplet_margin(distance: "Distance", spec: dict, emb: torch.Tensor, labels: torch.Tensor,
                   triplets: Optional[Triplets] = None) -> torch.Tensor:
    """triplet.ts (PML TripletMarginLoss): relu(margin(D_ap, D_an) + margin) (softplus when smoothLoss),
    the harder of D_an / D_pn with swap; AvgNonZeroReducer over the triplets."""
    mat = distance.pairwise(emb)
    a, p, n = all_triplets(labels, triplets)
    if a.numel() == 0:
        return mat.sum() * 0
    ap, an = mat[a, p], mat[a, n]
    if spec.get("swap", False):
        pn = mat[p, n]
        an = torch.maximum(an, pn) if distance.inverted else torch.minimum(an, pn)
    violation = _margin(distance, ap, an) + spec["margin"]
    terms = F.softplus(violation) if spec.get("smoothLoss", False) else torch.relu(violation)
    return avg_non_zero(terms)


def negative_cosine(form: str, online: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    cosines = (normalize_rows(online) * normalize_rows(target.detach())).sum(dim=1)
    return -cosines.mean() if form == "simsiam" else (2 - 2 * cosines).mean()


def vicreg(spec: dict, z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
    invariance = ((z1 - z2) ** 2).mean() * spec["invarianceWeight"]
    c1, c2 = z1 - z1.mean(dim=0, keepdim=True), z2 - z2.mean(dim=0, keepdim=True)

    def variance(zc):
        unbiased = (zc * zc).sum(dim=0) / (zc.shape[0] - 1)
        return torch.relu(1 - torch.sqrt(unbiased + spec["eps"])).mean() / 2

    def covariance(zc):
        n, d = zc.shape
        cov = matmul(zc.t(), zc) / (n - 1)
        off = cov * (1 - torch.eye(d, dtype=zc.dtype))
        return (off ** 2).sum() / d

    return invariance + spec["varianceWeight"] * (variance(c1) + variance(c2)) + spec["covarianceWeight"] * (covariance(c1) + covariance(c2))


def barlow_twins(lam: float, z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
    n, d = z1.shape

    def bn(z):
        var, mean = torch.var_mean(z, dim=0, unbiased=False, keepdim=True)
        return (z - mean) / torch.sqrt(var + 1e-5)

    c = matmul(bn(z1).t(), bn(z2)) / n
    eye = torch.eye(d, dtype=z1.dtype)
    on = (((1 - c) * eye) ** 2).sum()
    off = ((c * (1 - eye)) ** 2).sum()
    return on + lam * off


class Loss:
    """The loss contract of losses/types.ts: `form` tells how the objective feeds it."""

    def __init__(self, spec: dict, distance_spec: dict, mining: Optional[dict] = None):
        self.type = spec["type"]
        self.spec = spec
        self.form = {"infoNCE": "labelled", "supCon": "labelled", "nPairs": "labelled", "liftedStructure": "labelled",
                     "softNearestNeighbor": "labelled", "triplet": "labelled", "negativeCosine": "onlineTarget",
                     "vicreg": "twoView", "barlowTwins": "twoView"}[self.type]
        self.distance = Distance(distance_spec) if self.form == "labelled" else None
        #: pairs.mining: only batchHard is mirrored (spec.py refuses the others); infoNCE/supCon ignore it here
        self.mining = mining["type"] if mining is not None and self.type in MINED_LOSSES else "none"
        #: softNearestNeighbor's temperature T itself (not its log), trained with the network when learnTemperature
        self.temperature = None
        self.parameters = []
        if self.type == "softNearestNeighbor":
            self.temperature = torch.nn.Parameter(torch.tensor(float(spec["temperature"])), requires_grad=bool(spec["learnTemperature"]))
            if spec["learnTemperature"]:
                self.parameters = [self.temperature]

    def labelled(self, emb, labels, ref=None, ref_labels=None) -> torch.Tensor:
        if self.type in ("infoNCE", "supCon"):
            fn = info_nce if self.type == "infoNCE" else sup_con
            return fn(self.distance, self.spec["temperature"], emb, labels, ref, ref_labels)
        if ref is not None:
            raise ValueError(f"loss.type {self.type}: reference embeddings (a queue) are not mirrored for this loss")
        tuples = batch_hard_mine(self.distance, emb, labels) if self.mining == "batchHard" else None
        if self.type == "nPairs":
            return n_pairs(self.distance, emb, labels, tuples)
        if self.type == "liftedStructure":
            return lifted_structure(self.distance, self.spec["posMargin"], self.spec["negMargin"], emb, labels, tuples)
        if self.type == "softNearestNeighbor":
            return soft_nearest_neighbor(self.distance, self.temperature, emb, labels, tuples)
        return triplet_margin(self.distance, self.spec, emb, labels, tuples)

    def two_views(self, v1: torch.Tensor, v2: torch.Tensor) -> torch.Tensor:
        if self.form == "labelled":
            return self.labelled(torch.cat([v1, v2]), pair_ids(v1.shape[0]))
        if self.form == "onlineTarget":
            return negative_cosine(self.spec["form"], v1, v2)
        if self.type == "vicreg":
            return vicreg(self.spec, v1, v2)
        return barlow_twins(self.spec["lambda"], v1, v2)
