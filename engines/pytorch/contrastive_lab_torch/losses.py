"""Every loss of server/contrastive/losses/, reduced exactly as there (pytorch-metric-learning's
definitions). Labelled (pair) losses: contrastive, triplet, nPairs, liftedStructure,
generalizedLiftedStructure, infoNCE (NT-Xent, also with a MoCo reference queue), supCon, circle,
softNearestNeighbor, multiSimilarity, nce (binary NCE, learnable log-normaliser) — each on a Distance,
on all pairs / triplets of the batch or on mined tuples (miners.py), and all but nPairs and
liftedStructure also against reference embeddings (a queue). Two-view losses: vicreg, barlowTwins, siglip (learnable scale and bias). Online/target:
negativeCosine (simsiam | byol)."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn.functional as F

from .distances import Distance, normalize_rows
from .fastmm import matmul
from .miners import Pairs, Triplets, create_miner, label_masks

Mined = Union[Triplets, Pairs, None]

EXCLUDED = -1e30
#: losses that compare labelled embeddings (losses/pair-loss.ts: every one of them takes mined tuples)
LABELLED_LOSSES = ("contrastive", "triplet", "nPairs", "liftedStructure", "generalizedLiftedStructure", "infoNCE",
                   "supCon", "circle", "softNearestNeighbor", "multiSimilarity", "nce")
#: labelled losses whose supportsReference is false (no queue)
NO_REFERENCE = ("nPairs", "liftedStructure")
TWO_VIEW_LOSSES = ("vicreg", "barlowTwins", "siglip")
#: losses of class logits (a classifier head on the representation; the supervised downstream objective)
CLASS_LOSSES = ("crossEntropy",)
LOSS_TYPES = LABELLED_LOSSES + TWO_VIEW_LOSSES + ("negativeCosine",) + CLASS_LOSSES


def pair_ids(n: int, device: torch.device = torch.device("cpu")) -> torch.Tensor:
    return torch.arange(2 * n, device=device) % n


def masked_logsumexp(x: torch.Tensor, mask: torch.Tensor, add_one: bool = False) -> torch.Tensor:
    """tensor-utils maskedLogSumExp: row-wise log Σ exp over mask = 1 entries, 0 for rows with none;
    with add_one a 0 logit joins every row: log(1 + Σ exp x)."""
    masked = x + (1 - mask) * EXCLUDED
    row_max = masked.max(dim=1, keepdim=True).values.detach()
    if add_one:
        shift = torch.clamp(row_max, min=0.0)
        total = (torch.exp(masked - shift) * mask).sum(dim=1, keepdim=True) + torch.exp(-shift)
        return (torch.log(total) + shift).squeeze(1)
    any_ = (mask.sum(dim=1, keepdim=True) > 0).to(x.dtype)
    shift = row_max * any_
    total = (torch.exp(masked - shift) * mask).sum(dim=1, keepdim=True) + (1 - any_)
    return ((torch.log(total) + shift) * any_).squeeze(1)


def margin(distance: Distance, x, y):
    """base.ts margin: how far x is beyond y in the closer direction (PML distance.margin)."""
    return y - x if distance.inverted else x - y


def avg_non_zero(terms: torch.Tensor, selected=1.0) -> torch.Tensor:
    """reducers/avg-non-zero.ts: mean over the strictly positive selected terms, 0 when none."""
    positive = (terms > 0).to(terms.dtype) * selected
    return (terms * positive).sum() / torch.clamp(positive.sum(), min=1.0)


def mean_over(terms: torch.Tensor, selected, count: int) -> torch.Tensor:
    """reducers/mean.ts: Σ(terms·selected) / max(count, 1)."""
    return (terms * selected).sum() / max(count, 1)


class Batch:
    """labelled-batch.ts + pair-loss.ts's preamble: the embeddings, their reference (None = self
    mode), the labels, the positive/negative 0/1 masks (from labels, or exactly the mined pairs)
    and the distance matrix."""

    def __init__(self, distance: Distance, emb: torch.Tensor, labels: torch.Tensor, ref: Optional[torch.Tensor],
                 ref_labels: Optional[torch.Tensor], tuples: Mined, name: str):
        if labels.shape[0] != emb.shape[0]:
            raise ValueError(f"{name}: {labels.shape[0]} labels for {emb.shape[0]} embeddings; give one label per row")
        if ref is not None and (ref_labels is None or ref_labels.shape[0] != ref.shape[0]):
            raise ValueError(f"{name}: give one refLabel per refEmbeddings row")
        self.emb, self.ref, self.labels, self.tuples = emb, ref, labels, tuples
        self.ref_labels = labels if ref is None else ref_labels
        self.rows, self.cols = emb.shape[0], (emb.shape[0] if ref is None else ref.shape[0])
        self.pos, self.neg = self._masks(emb.dtype)
        self.mat = distance.pairwise(emb, ref)

    def _masks(self, dtype) -> Tuple[torch.Tensor, torch.Tensor]:
        if self.tuples is None:
            pos, neg = label_masks(self.labels, self.ref_labels, self.ref is None)
            return pos.to(dtype), neg.to(dtype)
        pos = torch.zeros(self.rows, self.cols, dtype=dtype, device=self.emb.device)
        neg = torch.zeros(self.rows, self.cols, dtype=dtype, device=self.emb.device)
        if isinstance(self.tuples, Pairs):
            pos[self.tuples.pos_anchors, self.tuples.positives] = 1
            neg[self.tuples.neg_anchors, self.tuples.negatives] = 1
        else:
            pos[self.tuples.anchors, self.tuples.positives] = 1
            neg[self.tuples.anchors, self.tuples.negatives] = 1
        return pos, neg

    def triplets(self) -> Triplets:
        """labelled-batch.ts triplets: the mined triplets; or, per anchor in order, every (positive,
        negative) combination of its label pairs (lexicographic) or of its mined pairs (mined order)."""
        if isinstance(self.tuples, Triplets):
            return self.tuples
        if self.tuples is None:
            a, p, n = torch.nonzero(self.pos[:, :, None] * self.neg[:, None, :], as_tuple=True)
            return Triplets(a, p, n)
        pa, pp, na, nn = self.tuples
        parts = []
        for anchor in range(self.rows):
            ps, ns = pp[pa == anchor], nn[na == anchor]
            if ps.numel() and ns.numel():
                parts.append((torch.full((ps.numel() * ns.numel(),), anchor, dtype=torch.long, device=ps.device), ps.repeat_interleave(ns.numel()), ns.repeat(ps.numel())))
        if not parts:
            empty = torch.zeros(0, dtype=torch.long, device=self.emb.device)
            return Triplets(empty, empty, empty)
        return Triplets(*(torch.cat(c) for c in zip(*parts)))


def _logits(distance: Distance, mat: torch.Tensor, temperature):
    return (mat if distance.inverted else -mat) / temperature


def contrastive(distance: Distance, spec: dict, b: Batch) -> torch.Tensor:
    """contrastive.ts: relu(D − posMargin) on positive pairs, relu(negMargin − D) on negative pairs
    (mirrored for a similarity), each averaged over its non-zero terms, summed."""
    pos_loss = torch.relu(margin(distance, b.mat, spec["posMargin"]))
    neg_loss = torch.relu(margin(distance, spec["negMargin"], b.mat))
    return avg_non_zero(pos_loss, b.pos) + avg_non_zero(neg_loss, b.neg)


def generalized_lifted_structure(distance: Distance, spec: dict, b: Batch) -> torch.Tensor:
    """generalized-lifted-structure.ts: mean over rows of relu(lse_pos(D − posMargin) + lse_neg(negMargin − D))."""
    pos = masked_logsumexp(margin(distance, b.mat, spec["posMargin"]), b.pos)
    neg = masked_logsumexp(margin(distance, spec["negMargin"], b.mat), b.neg)
    return torch.relu(pos + neg).sum() / max(b.rows, 1)


def info_nce(distance: Distance, spec: dict, b: Batch) -> torch.Tensor:
    """info-nce.ts: every positive pair is its own softmax term against the row's negatives; mean."""
    logits = _logits(distance, b.mat, spec["temperature"])
    pos_count = float(b.pos.sum())
    if b.tuples is None and float(b.pos.sum(dim=1).max()) <= 1:
        # one positive per row (SimCLR / MoCo): cross-entropy over every k ≠ i
        candidates = logits + torch.eye(b.rows, dtype=logits.dtype, device=logits.device) * EXCLUDED if b.ref is None else logits
        has_positive = (b.pos.sum(dim=1) > 0).to(logits.dtype)
        terms = torch.logsumexp(candidates, dim=1) * has_positive - (logits * b.pos).sum(dim=1)
        return terms.sum() / max(pos_count, 1.0)
    has_neg = (b.neg.sum(dim=1, keepdim=True) > 0).to(logits.dtype)
    neg_lse = masked_logsumexp(logits, b.neg)[:, None]
    terms = F.softplus(neg_lse - logits) * has_neg
    return (terms * b.pos).sum() / max(pos_count, 1.0)


def nce(distance: Distance, temperature: float, log_normalizer: torch.Tensor, b: Batch) -> torch.Tensor:
    """nce.ts: Δ_ij = S_ij − c − log(k_i/m_i) (k_i negatives as noise among m_i candidates, q = 1/m_i);
    per positive pair softplus(−Δ_ij) + Σ_{n∈N(i)} softplus(Δ_in); rows without negatives give 0; mean."""
    k = b.neg.sum(dim=1, keepdim=True)
    has_noise = (k > 0).to(b.mat.dtype)
    noise_term = torch.log(torch.clamp(k, min=1) / (k + b.pos.sum(dim=1, keepdim=True)).clamp(min=1)) * has_noise
    delta = _logits(distance, b.mat, temperature) - log_normalizer - noise_term
    noise_sum = (F.softplus(delta) * b.neg).sum(dim=1, keepdim=True)
    terms = (F.softplus(-delta) + noise_sum) * has_noise
    return (terms * b.pos).sum() / max(float(b.pos.sum()), 1.0)


def sup_con(distance: Distance, spec: dict, b: Batch) -> torch.Tensor:
    """sup-con.ts: −mean log-probability of each row's positives among positives + negatives;
    averaged over the rows with a non-zero term."""
    if float(b.pos.sum()) == 0 or float(b.neg.sum()) == 0:
        return b.mat.sum() * 0
    logits = _logits(distance, b.mat, spec["temperature"])
    denominator = masked_logsumexp(logits, b.pos + b.neg)
    log_prob = logits - denominator[:, None]
    mean_log_prob_pos = (b.pos * log_prob).sum(dim=1) / (b.pos.sum(dim=1) + 1e-30)
    return avg_non_zero(-mean_log_prob_pos)


def circle(distance: Distance, spec: dict, b: Batch) -> torch.Tensor:
    """circle.ts on a similarity S: α_p = relu(1 + m − S), α_n = relu(S + m) (constants in backprop);
    l_i = softplus(lse_pos(−γ α_p (S − (1 − m))) + lse_neg(γ α_n (S − m))) on rows with both; avg non-zero."""
    m, gamma = spec["m"], spec["gamma"]
    fixed = b.mat.detach()
    pos_logits = -gamma * torch.relu(1 + m - fixed) * (b.mat - (1 - m))
    neg_logits = gamma * torch.relu(fixed + m) * (b.mat - m)
    both = ((b.pos.sum(dim=1) > 0) & (b.neg.sum(dim=1) > 0)).to(b.mat.dtype)
    terms = F.softplus(masked_logsumexp(pos_logits, b.pos) + masked_logsumexp(neg_logits, b.neg)) * both
    return avg_non_zero(terms)


def multi_similarity(distance: Distance, spec: dict, b: Batch) -> torch.Tensor:
    """multi-similarity.ts: (1/α) log(1 + Σ_pos e^{−α(S − base)}) + (1/β) log(1 + Σ_neg e^{β(S − base)})
    (mirrored for a distance); mean over rows."""
    alpha, beta, base = spec["alpha"], spec["beta"], spec["base"]
    pos_loss = masked_logsumexp(margin(distance, b.mat, base) * alpha, b.pos, add_one=True) / alpha
    neg_loss = masked_logsumexp(margin(distance, base, b.mat) * beta, b.neg, add_one=True) / beta
    return (pos_loss + neg_loss).sum() / max(b.rows, 1)


def n_pairs(distance: Distance, b: Batch) -> torch.Tensor:
    """n-pairs.ts (PML NPairsLoss): per label (ascending) its first positive pair in row-major order;
    cross-entropy of each anchor's similarities to all chosen positives, target its own; mean."""
    chosen: Dict[int, Tuple[int, int]] = {}
    for flat in torch.nonzero(b.pos.flatten(), as_tuple=True)[0].tolist():
        a, p = divmod(flat, b.cols)
        chosen.setdefault(int(b.labels[a]), (a, p))
    if not chosen:
        return b.emb.sum() * 0
    pairs = [chosen[c] for c in sorted(chosen)]
    anchors = torch.tensor([a for a, _ in pairs], device=b.emb.device)
    positives = torch.tensor([p for _, p in pairs], device=b.emb.device)
    sim = distance.pairwise(b.emb[anchors], b.emb[positives])
    logits = sim if distance.inverted else -sim
    return F.cross_entropy(logits, torch.arange(len(pairs), device=logits.device))


def lifted_structure(distance: Distance, spec: dict, b: Batch) -> torch.Tensor:
    """lifted-structure.ts (PML LiftedStructureLoss): for each ordered positive pair (a, p),
    J = logsumexp over a's and p's negatives of margin(negMargin, D) + margin(D_ap, posMargin),
    l = relu(J)²/2, mean over the positive pairs."""
    if float(b.pos.sum()) == 0 or float(b.neg.sum()) == 0:
        return b.mat.sum() * 0
    a, p = torch.nonzero(b.pos, as_tuple=True)
    row_lse = masked_logsumexp(margin(distance, spec["negMargin"], b.mat), b.neg)
    has_neg = b.neg.sum(dim=1) > 0
    row_lse = torch.where(has_neg, row_lse, torch.full_like(row_lse, EXCLUDED))
    union = torch.logaddexp(row_lse[a], row_lse[p])
    either = (has_neg[a] | has_neg[p]).to(b.mat.dtype)
    j = union * either + margin(distance, b.mat[a, p], spec["posMargin"])
    return (torch.relu(j) ** 2 / 2).mean()


def soft_nearest_neighbor(distance: Distance, temperature: torch.Tensor, b: Batch) -> torch.Tensor:
    """soft-nearest-neighbor.ts: l_i = lse_{k≠i}(−d_ik/T) − lse_{j≠i, y_j=y_i}(−d_ij/T), mean over rows with a positive."""
    logits = _logits(distance, b.mat, temperature)
    terms = masked_logsumexp(logits, b.pos + b.neg) - masked_logsumexp(logits, b.pos)
    has_pos = (b.pos.sum(dim=1) > 0).to(terms.dtype)
    return (terms * has_pos).sum() / max(float(has_pos.sum()), 1.0)


def triplet_margin(distance: Distance, spec: dict, b: Batch) -> torch.Tensor:
    """triplet.ts (PML TripletMarginLoss): relu(margin(D_ap, D_an) + margin) (softplus when smoothLoss),
    the harder of D_an / D_pn with swap; averaged over the non-zero triplets."""
    a, p, n = b.triplets()
    if a.numel() == 0:
        return b.mat.sum() * 0
    ap, an = b.mat[a, p], b.mat[a, n]
    if spec.get("swap", False):
        ref_mat = b.mat if b.ref is None else distance.pairwise(b.ref)
        pn = ref_mat[p, n]
        an = torch.maximum(an, pn) if distance.inverted else torch.minimum(an, pn)
    violation = margin(distance, ap, an) + spec["margin"]
    terms = F.softplus(violation) if spec.get("smoothLoss", False) else torch.relu(violation)
    return avg_non_zero(terms)


def negative_cosine(form: str, online: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    cosines = (normalize_rows(online) * normalize_rows(target.detach())).sum(dim=1)
    return -cosines.mean() if form == "simsiam" else (2 - 2 * cosines).mean()


def _check_views(name: str, v1: torch.Tensor, v2: torch.Tensor) -> None:
    if v1.shape != v2.shape:
        raise ValueError(f"{name}: view1 is {tuple(v1.shape)} but view2 is {tuple(v2.shape)}; the views must have the same shape")
    if v1.shape[0] < 2:
        raise ValueError(f"{name} needs a batch of at least 2 samples (got {v1.shape[0]})")


def vicreg_components(spec: dict, z1: torch.Tensor, z2: torch.Tensor) -> Dict[str, torch.Tensor]:
    """vicreg.ts components: the four weighted terms whose sum is the loss."""
    _check_views("vicreg loss", z1, z2)
    c1, c2 = z1 - z1.mean(dim=0, keepdim=True), z2 - z2.mean(dim=0, keepdim=True)

    def variance(zc):
        unbiased = (zc * zc).sum(dim=0) / (zc.shape[0] - 1)
        return torch.relu(1 - torch.sqrt(unbiased + spec["eps"])).mean() / 2

    def covariance(zc):
        n, d = zc.shape
        cov = matmul(zc.t(), zc) / (n - 1)
        off = cov * (1 - torch.eye(d, dtype=zc.dtype, device=zc.device))
        return (off ** 2).sum() / d

    return {"invariance": ((z1 - z2) ** 2).mean() * spec["invarianceWeight"],
            "variance1": variance(c1) * spec["varianceWeight"], "variance2": variance(c2) * spec["varianceWeight"],
            "covariance": (covariance(c1) + covariance(c2)) * spec["covarianceWeight"]}


def vicreg(spec: dict, z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
    c = vicreg_components(spec, z1, z2)
    return c["invariance"] + c["variance1"] + c["variance2"] + c["covariance"]


def barlow_parts(z1: torch.Tensor, z2: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """barlow-twins.ts parts: Σ(1 − C_aa)² and Σ_{a≠b} C_ab² of the batch-normalised cross-correlation."""
    _check_views("barlowTwins loss", z1, z2)
    n, d = z1.shape

    def bn(z):
        var, mean = torch.var_mean(z, dim=0, unbiased=False, keepdim=True)
        return (z - mean) / torch.sqrt(var + 1e-5)

    c = matmul(bn(z1).t(), bn(z2)) / n
    eye = torch.eye(d, dtype=z1.dtype, device=z1.device)
    return (((1 - c) * eye) ** 2).sum(), ((c * (1 - eye)) ** 2).sum()


def barlow_twins(lam: float, z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
    on, off = barlow_parts(z1, z2)
    return on + lam * off


def cross_entropy(label_smoothing: float, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """cross-entropy.ts: mean over the batch of −Σ_c q_c log softmax(z)_c, q = (1 − ε)·one-hot + ε/C."""
    classes = logits.shape[1]
    outside = labels[(labels < 0) | (labels >= classes)]
    if outside.numel() > 0:
        raise ValueError(f"loss crossEntropy: label {int(outside[0])} is outside the {classes} classes of the classifier")
    log_p = F.log_softmax(logits, dim=1)
    target = F.one_hot(labels, classes).to(logits.dtype)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    return -(target * log_p).sum(dim=1).mean()


def siglip(logit_scale: torch.Tensor, logit_bias: torch.Tensor, z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
    """siglip.ts: −(1/n) Σ_ij log σ(z_ij (e^{t′}⟨x_i, y_j⟩ + b)), z = +1 on the diagonal, −1 elsewhere."""
    _check_views("siglip loss", z1, z2)
    n = z1.shape[0]
    logits = normalize_rows(z1) @ normalize_rows(z2).t() * torch.exp(logit_scale) + logit_bias
    signs = 2 * torch.eye(n, dtype=logits.dtype, device=logits.device) - 1
    return F.softplus(-signs * logits).sum() / n


class Loss:
    """The loss contract of losses/types.ts: `form` tells how the objective feeds it; `parameters`
    are the loss's own trainable tensors (softNearestNeighbor's T, siglip's t′ and b, nce's c), on `device`."""

    def __init__(self, spec: dict, distance_spec: dict, mining: Optional[dict] = None, device: torch.device = torch.device("cpu")):
        self.type = spec["type"]
        self.device = device
        if self.type not in LOSS_TYPES:
            raise ValueError(f'loss.type "{self.type}" is unknown; use one of {", ".join(LOSS_TYPES)}')
        self.spec = spec
        self.form = "labelled" if self.type in LABELLED_LOSSES else "twoView" if self.type in TWO_VIEW_LOSSES else "classes" if self.type in CLASS_LOSSES else "onlineTarget"
        self.distance = Distance(distance_spec) if self.form == "labelled" else None
        if self.type == "circle" and not self.distance.inverted:
            raise ValueError(f'circle loss needs a similarity (larger = closer), but the distance "{self.distance.type}" is not one. Use distance: {{ type: cosine }} or {{ type: dot }}.')
        self.miner = create_miner(mining, self.distance) if mining is not None and self.form == "labelled" else None
        self.parameters: List[torch.nn.Parameter] = []
        #: softNearestNeighbor's temperature T itself (not its log), trained with the network when learnTemperature
        self.temperature = None
        if self.type == "softNearestNeighbor":
            if not spec["temperature"] > 0:
                raise ValueError(f"softNearestNeighbor loss: temperature must be > 0 (got {spec['temperature']})")
            self.temperature = self._parameter(spec["temperature"], spec["learnTemperature"])
        if self.type == "nce":
            if not spec["temperature"] > 0:
                raise ValueError(f"nce loss: temperature must be > 0 (got {spec['temperature']})")
            self.log_normalizer = self._parameter(spec["logNormalizer"], spec["learnable"])
        if self.type == "siglip":
            self.logit_scale = self._parameter(spec["logitScale"], spec["learnable"])
            self.logit_bias = self._parameter(spec["logitBias"], spec["learnable"])

    def _parameter(self, value: float, learnable: bool) -> torch.nn.Parameter:
        p = torch.nn.Parameter(torch.tensor(float(value), device=self.device), requires_grad=bool(learnable))
        if learnable:
            self.parameters.append(p)
        return p

    def labelled(self, emb, labels, ref=None, ref_labels=None, tuples: Mined = None) -> torch.Tensor:
        """pair-loss.ts compute: the batch (mined when the spec has a miner and no tuples are given), then the formula."""
        name = f"{self.type} loss"
        if ref is not None and self.type in NO_REFERENCE:
            raise ValueError(f"{name} does not accept reference embeddings (a memory queue); with a queue use one of "
                             f"{', '.join(t for t in LABELLED_LOSSES if t not in NO_REFERENCE)}")
        if tuples is None and self.miner is not None and ref is None:
            # a queue (methods/moco.ts) compares with every stored key: no miner there
            tuples = self.miner.mine(emb, labels)
        b = Batch(self.distance, emb, labels, ref, ref_labels, tuples, name)
        d, s = self.distance, self.spec
        if self.type == "softNearestNeighbor":
            return soft_nearest_neighbor(d, self.temperature, b)
        if self.type == "nPairs":
            return n_pairs(d, b)
        if self.type == "nce":
            return nce(d, s["temperature"], self.log_normalizer, b)
        formulas = {"contrastive": contrastive, "triplet": triplet_margin, "liftedStructure": lifted_structure,
                    "generalizedLiftedStructure": generalized_lifted_structure, "infoNCE": info_nce, "supCon": sup_con,
                    "circle": circle, "multiSimilarity": multi_similarity}
        return formulas[self.type](d, s, b)

    def classes(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """A classifying loss (form "classes") on a classifier head's logits [n, C] and class indices [n]."""
        return cross_entropy(self.spec["labelSmoothing"], logits, labels)

    def two_views(self, v1: torch.Tensor, v2: torch.Tensor) -> torch.Tensor:
        if self.form == "labelled":
            return self.labelled(torch.cat([v1, v2]), pair_ids(v1.shape[0], v1.device))
        if self.form == "onlineTarget":
            return negative_cosine(self.spec["form"], v1, v2)
        if self.type == "vicreg":
            return vicreg(self.spec, v1, v2)
        if self.type == "siglip":
            return siglip(self.logit_scale, self.logit_bias, v1, v2)
        return barlow_twins(self.spec["lambda"], v1, v2)
