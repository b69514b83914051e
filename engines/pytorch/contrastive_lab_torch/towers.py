"""Two towers on paired data (server/trainer/towers/): a network tower for side a (the one-tower
network: backbone → representation → projection) and a text tower for side b (token embeddings →
mean over the text's tokens → linear projection), trained across the towers with SigLIP (learnable
t′, b) or CLIP's symmetric InfoNCE. The launcher exports the pairs as the tfjs trainer sees them
(server/trainer/engines/exportTowerSplit.ts): side a scaled, side b as token ids of the run's
TypeScript tokenizer (tokenizer-b.json), the class captions' ids for zero-shot, the split.

The session is the one-tower Session's life (events, step lines, checkpoints, resume, the NaN stop,
stop on SIGTERM) with the two-tower evaluation (towerEvaluation.ts) and final embeddings
(towerEmbeddings.ts: every kept pair's side a as `a/<id>`, then its side b as `b/<id>`, L2-normalised)."""
import json
import math
import os
from dataclasses import dataclass
from types import SimpleNamespace
from typing import List, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .models import ContrastiveModel
from .optim import clip_by_global_norm, create_optimizer, schedule_lr
from .evaluate import collapse_std
from .projection import pca2d
from .rundir import now_iso
from .session import COLLAPSED_BELOW, PARTIAL_BELOW, Session, TrainingFailure, _round, plural
from .strategies import RandomSampler

DEFAULT_KS = [1, 5, 10]
#: points of zero-shot accuracy above the majority-class rate below which it counts as chance level (towerEvaluationHook.ts)
CHANCE_MARGIN = 0.05


# ---- the exported pairs -------------------------------------------------------------------------
@dataclass
class TowerSplit:
    #: side a's samples, scaled: [count, C, H, W] for images, [count, D] for numbers
    x: torch.Tensor
    sample_shape: List[int]
    #: side b's token ids [count, L] (int64) and 0/1 mask [count, L]
    tokens: torch.Tensor
    mask: torch.Tensor
    vocabulary: int
    #: the class captions' ids and mask [C, L], or None (no labels)
    class_tokens: Optional[torch.Tensor]
    class_mask: Optional[torch.Tensor]
    labels: Optional[torch.Tensor]
    train: torch.Tensor
    test: torch.Tensor
    #: the pairs data.limit keeps, ascending (the final embeddings' rows)
    kept: torch.Tensor
    #: side b's texts (identical texts are one item for recall)
    texts: List[str]
    tokenizer: dict


def _ints(folder: str, name: str) -> torch.Tensor:
    return torch.from_numpy(np.fromfile(os.path.join(folder, name), dtype="<i4").astype(np.int64))


def _floats(folder: str, name: str) -> torch.Tensor:
    return torch.from_numpy(np.fromfile(os.path.join(folder, name), dtype="<f4").astype(np.float32))


def load_tower_split(folder: str) -> TowerSplit:
    with open(os.path.join(folder, "meta.json"), encoding="utf8") as f:
        meta = json.load(f)
    with open(os.path.join(folder, "tokenizer-b.json"), encoding="utf8") as f:
        tokenizer = json.load(f)
    with open(os.path.join(folder, "texts-b.json"), encoding="utf8") as f:
        texts = json.load(f)
    count, shape = int(meta["count"]), [int(d) for d in meta["sampleShape"]]
    length = int(tokenizer["maxLength"])
    x = _floats(folder, "x.f32")
    if x.numel() != count * int(np.prod(shape)):
        raise ValueError(f"x.f32 holds {x.numel()} values, expected {count} x {shape}; re-export the split")
    x = x.reshape([count] + shape)
    if len(shape) == 3:
        x = x.permute(0, 3, 1, 2).contiguous()  # NHWC (tfjs) -> NCHW (torch)
    classes = meta.get("classCaptions")
    labels = _ints(folder, "labels.i32")
    return TowerSplit(
        x=x, sample_shape=shape,
        tokens=_ints(folder, "tokens-b.i32").reshape(count, length), mask=_floats(folder, "mask-b.f32").reshape(count, length),
        vocabulary=len(tokenizer["vocabulary"]),
        class_tokens=_ints(folder, "class-tokens-b.i32").reshape(classes, length) if classes else None,
        class_mask=_floats(folder, "class-mask-b.f32").reshape(classes, length) if classes else None,
        labels=labels if labels.numel() == count and bool((labels >= 0).any()) else None,
        train=_ints(folder, "train.i32"), test=_ints(folder, "test.i32"), kept=_ints(folder, "kept.i32"),
        texts=texts, tokenizer=tokenizer,
    )


# ---- the towers ---------------------------------------------------------------------------------
class TextTower(nn.Module):
    """textTower.ts: N(0, 0.1) token embeddings, a N(0, 1/tokenSize) kernel, a zero bias; a text's
    embedding is the mean of its tokens' embeddings (the mask says which are real), projected."""

    def __init__(self, vocabulary: int, token_size: int, embedding_size: int):
        super().__init__()
        self.embeddings = nn.Parameter(torch.randn(vocabulary, token_size) * 0.1)
        self.kernel = nn.Parameter(torch.randn(token_size, embedding_size) * math.sqrt(1.0 / token_size))
        self.bias = nn.Parameter(torch.zeros(embedding_size))

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        weights = mask / mask.sum(dim=1, keepdim=True)
        bag = torch.zeros(tokens.shape[0], self.embeddings.shape[0], device=tokens.device).scatter_add_(1, tokens, weights)
        return bag @ self.embeddings @ self.kernel + self.bias


def network_tower(tower: dict, sample_shape) -> ContrastiveModel:
    arch = {"backbone": tower["backbone"], "representationSize": tower["representationSize"], "projection": tower["projection"],
            "prediction": None, "normalizeOutput": False}
    return ContrastiveModel(arch, sample_shape)


def symmetric_info_nce(a: torch.Tensor, b: torch.Tensor, temperature: float) -> torch.Tensor:
    """crossLoss.ts: each a picks its b among the batch's b's and each b its a (cosines / τ)."""
    s = F.normalize(a, dim=1, eps=1e-12) @ F.normalize(b, dim=1, eps=1e-12).t() / temperature
    target = torch.arange(a.shape[0], device=a.device)
    return (F.cross_entropy(s, target) + F.cross_entropy(s.t(), target)) / 2


def siglip_across(a: torch.Tensor, b: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    logits = F.normalize(a, dim=1, eps=1e-12) @ F.normalize(b, dim=1, eps=1e-12).t() * scale.exp() + bias
    signs = 2 * torch.eye(a.shape[0], device=a.device) - 1
    return F.softplus(-signs * logits).sum() / a.shape[0]


class TowerRun:
    """towerParts.ts: both towers, the loss (and its own parameters), the optimiser, the batch plan."""

    def __init__(self, spec: dict, data: TowerSplit, epochs: int, seed: int):
        torch.manual_seed(seed)
        towers = spec["architecture"]["towers"]
        self.spec, self.data = spec, data
        self.a = network_tower(towers["a"], data.sample_shape)
        self.b = TextTower(data.vocabulary, towers["b"]["tokenSize"], towers["b"]["embeddingSize"])
        loss = spec["loss"]
        self.loss_parameters: List[nn.Parameter] = []
        # what Session._loop reads of a run: the networks whose weights the finite guard checks, and the loss's own
        self.model = nn.ModuleList([self.a, self.b])
        self.ema = self.classifier = None
        self.loss = SimpleNamespace(parameters=self.loss_parameters)
        if loss["type"] == "siglip":
            learnable = bool(loss["learnable"])
            self.scale = nn.Parameter(torch.tensor(float(loss["logitScale"])), requires_grad=learnable)
            self.bias = nn.Parameter(torch.tensor(float(loss["logitBias"])), requires_grad=learnable)
            if learnable:
                self.loss_parameters = [self.scale, self.bias]
        self.parameters = list(self.a.parameters()) + list(self.b.parameters()) + self.loss_parameters
        self.optimizer = create_optimizer(spec["strategy"]["optimizer"], self.parameters)
        self.sampler = RandomSampler(data.train, spec["strategy"]["batchSize"], seed)
        self.total_steps = epochs * self.sampler.batches_per_epoch
        self.last_lr = spec["strategy"]["optimizer"]["learningRate"]

    def objective(self, ea: torch.Tensor, eb: torch.Tensor) -> torch.Tensor:
        if self.spec["loss"]["type"] == "siglip":
            return siglip_across(ea, eb, self.scale, self.bias)
        return symmetric_info_nce(ea, eb, self.spec["loss"]["temperature"])

    def embed_a(self, rows: torch.Tensor) -> torch.Tensor:
        return self.a(self.data.x[rows])["projection"]

    def embed_b(self, rows: torch.Tensor) -> torch.Tensor:
        return self.b(self.data.tokens[rows], self.data.mask[rows])

    def train_step(self, rows: torch.Tensor, step: int) -> float:
        strategy = self.spec["strategy"]
        lr = self.last_lr = schedule_lr(strategy["schedule"], strategy["optimizer"]["learningRate"], step - 1, self.total_steps, self.sampler.batches_per_epoch)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.a.train()
        loss = self.objective(self.embed_a(rows), self.embed_b(rows))
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if strategy["gradientClipNorm"] is not None:
            clip_by_global_norm(self.parameters, strategy["gradientClipNorm"])
        self.optimizer.step()
        return float(loss.detach())

    @torch.no_grad()
    def embed_pairs(self, rows: torch.Tensor):
        self.a.eval()
        chunks = [rows[i:i + 1024] for i in range(0, rows.numel(), 1024)]
        ea = torch.cat([self.embed_a(c) for c in chunks])
        eb = torch.cat([self.embed_b(c) for c in chunks])
        return ea, eb

    def capture(self) -> dict:
        return {"towerA": {k: v.detach().cpu().clone() for k, v in self.a.state_dict().items()},
                "towerB": {k: v.detach().cpu().clone() for k, v in self.b.state_dict().items()},
                "loss": [p.detach().clone() for p in self.loss_parameters],
                "optimizer": self.optimizer.state_dict(), "rng": {"torch": torch.get_rng_state()}}

    def restore(self, payload: dict) -> None:
        try:
            self.a.load_state_dict(payload["towerA"])
            self.b.load_state_dict(payload["towerB"])
            stored = payload.get("loss") or []
            if len(stored) != len(self.loss_parameters):
                raise ValueError(f"the checkpoint has {len(stored)} loss parameters, this loss has {len(self.loss_parameters)}")
            with torch.no_grad():
                for p, value in zip(self.loss_parameters, stored):
                    p.copy_(value)
            self.optimizer.load_state_dict(payload["optimizer"])
            torch.set_rng_state(payload["rng"]["torch"])
        except (KeyError, RuntimeError, ValueError) as e:
            raise ValueError(f"spec.json does not build the towers stored in this checkpoint ({e}); spec.json was changed after training: restore the architecture the run was trained with") from e


# ---- evaluation (crossModal.ts) -----------------------------------------------------------------
def cross_modal_recall(query: torch.Tensor, target: torch.Tensor, groups: Optional[list], ks) -> dict:
    """recall@k of query i finding target i among its k nearest distinct items (rows of equal group are one item)."""
    n = query.shape[0]
    order = torch.argsort(F.normalize(query, dim=1) @ F.normalize(target, dim=1).t(), dim=1, descending=True)
    if groups is None:
        rank = (order == torch.arange(n).unsqueeze(1)).nonzero()[:, 1]  # each row's partner's place
        return {str(k): float((rank < k).double().mean()) for k in ks}
    hits = {k: 0 for k in ks}
    top = max(ks)
    rows = order.tolist()
    for i in range(n):
        seen = set()
        mine = groups[i]
        for j in rows[i]:
            g = groups[j]
            if g == mine:
                for k in ks:
                    if len(seen) < k:
                        hits[k] += 1
                break
            seen.add(g)
            if len(seen) >= top:
                break
    return {str(k): hits[k] / n for k in ks}


class TowerSession(Session):
    """Session's run directory life for two towers (towerSession.ts)."""

    def _train(self) -> str:
        leftovers = self.dir.remove_temp_files()
        backend = f"pytorch-{self.device.type}"
        self.dir.started(backend)
        self.dir.event("info", "backend", f"backend: {backend} (PyTorch {torch.__version__} on {'the CPU' if self.device.type == 'cpu' else self.device}, {plural(self.threads, 'thread')})",
                       data={"backend": backend, "engine": "pytorch", "torch": torch.__version__, "device": str(self.device), "threads": self.threads, "processes": 1, "distributedBackend": None})
        if leftovers:
            self.dir.event("warning", "recovered", f"removed {plural(len(leftovers), 'temporary file')} left by an earlier failed write: {', '.join(leftovers)}", data={"removed": leftovers})
        data, ds = self.data, self.dataset
        classes = ds.get("classNames")
        self.dir.event("info", "data", ds["description"],
                       data={"source": ds["source"], "count": ds["count"], "train": data.train.numel(), "test": data.test.numel(), "classes": len(classes) if classes else None})
        if self._stopping():
            return self._stopping_before_training()
        spec = self.spec
        run = self.run = TowerRun(spec, data, self.epochs, int(spec["strategy"]["seed"]))
        steps_per_epoch = run.sampler.batches_per_epoch
        if steps_per_epoch == 0:
            raise TrainingFailure(f"strategy.batchSize {spec['strategy']['batchSize']} is larger than the {data.train.numel()} training pairs: no full batch to train on; lower strategy.batchSize", "setup")
        chance = None
        if data.labels is not None and data.test.numel() > 0:
            chance = float(torch.bincount(data.labels[data.test]).max()) / data.test.numel()
        started = f"training {spec['experiment']} (two towers, loss {spec['loss']['type']}): {plural(self.epochs, 'epoch')} × {plural(steps_per_epoch, 'step')}, batch {spec['strategy']['batchSize']}, seed {spec['strategy']['seed']}"
        # the one-tower start and loop: step lines, the NaN stop, evaluations, checkpoints, stop on SIGTERM, then _write_embeddings
        return self._start_or_resume(run, steps_per_epoch, chance, started, newest=self.dir.newest_intact_checkpoint, restore_payload=run.restore)

    def _checkpoint(self, why: str) -> None:
        self.phase = "checkpoint"
        p = self.position
        position = {**p, "elapsedSec": _round(self.elapsed(), 3)}
        extra = {"towers": {"a": "network", "b": "text"}, "tokenizers": {"b": self.data.tokenizer},
                 "inputShape": list(self.data.sample_shape), "optimizer": {"type": self.spec["strategy"]["optimizer"]["type"]}}
        name = self.dir.save_checkpoint(position, extra, self.run.capture())
        self.dir.update_record(lastCheckpoint=name, step=p["step"], epoch=p["epoch"] - 1, bestKnnAccuracy=p["bestKnnAccuracy"])
        self.dir.event("info", "checkpoint", f"checkpoint saved ({why}): {name}", step=p["step"], epoch=p["epoch"] - 1 if p["batchInEpoch"] == 0 else p["epoch"], data={"path": name})

    def _evaluate(self, run: TowerRun, epoch: int, chance: Optional[float]) -> None:
        self.phase = "evaluation"
        data, spec = self.data, self.spec
        rows = data.test if data.test.numel() >= 2 else data.train[:2000]
        ea, eb = run.embed_pairs(rows)
        where = f"evaluation after epoch {epoch}"
        if not (torch.isfinite(ea).all() and torch.isfinite(eb).all()):
            raise TrainingFailure(f"the towers' embeddings contain NaN or Inf at the {where} although every training step was finite. Lower strategy.optimizer.learningRate or set strategy.gradientClipNorm.",
                                  where, kind="nonFinite", epoch=epoch, value="NaN")
        retrieval = spec["eval"].get("retrieval")
        ks = retrieval["recallAtK"] if retrieval is not None else DEFAULT_KS
        texts = [data.texts[i] for i in rows.tolist()]
        a_to_b = cross_modal_recall(ea, eb, texts, ks)
        b_to_a = cross_modal_recall(eb, ea, None, ks)
        zero_shot = None
        if data.class_tokens is not None and data.labels is not None:
            with torch.no_grad():
                classes = run.b(data.class_tokens, data.class_mask)
            predicted = (F.normalize(ea, dim=1) @ F.normalize(classes, dim=1).t()).argmax(dim=1)
            zero_shot = float((predicted == data.labels[rows]).double().mean())
        # the tower nearer to collapse (towerEvaluation.ts worseCollapse)
        std, healthy = min(((collapse_std(e), 1 / math.sqrt(e.shape[1])) for e in (ea, eb)), key=lambda s: s[0] / s[1])
        self.dir.metric({"kind": "eval", "step": self.position["step"], "epoch": epoch, "time": _round(self.elapsed(), 3), "knnAccuracy": None, "linearProbeAccuracy": None,
                         "precisionAt1": None, "recallAtK": None, "mapAtR": None, "collapseStd": std, "collapseHealthyStd": healthy,
                         "fewShot": None, "labelEfficiency": None, "classifierAccuracy": None,
                         "zeroShotAccuracy": zero_shot, "crossModalRecallAtK": {"aToB": a_to_b, "bToA": b_to_a}})
        ratio = std / healthy
        figures = f"output std {std:.3g} vs {healthy:.3g} (1/√{ea.shape[1]}) for spread-out outputs"
        step = self.position["step"]
        if ratio < COLLAPSED_BELOW:
            self.learning = {"state": "collapsed", "epoch": epoch, "message": f"epoch {epoch}: Representation collapse: {figures}; the outputs barely depend on the input."}
        elif zero_shot is not None and chance is not None and zero_shot < chance + CHANCE_MARGIN:
            self.learning = {"state": "chance", "epoch": epoch, "message": f"epoch {epoch}: zero-shot accuracy {zero_shot * 100:.2f}% is at chance level (always answering the most common class scores {chance * 100:.2f}%): the towers have not learned to match the sides yet. Check the loss and its temperature, the learning rate, or train longer."}
        else:
            verdict = f"Partial collapse suspected: {figures}; the outputs occupy only part of the space." if ratio < PARTIAL_BELOW else f"No collapse: {figures}."
            self.learning = {"state": "healthy", "epoch": epoch, "message": f"epoch {epoch}: {verdict}"}
        self.dir.update_record(learning=self.learning)
        self.last_zero_shot = zero_shot
        if self.learning["state"] == "collapsed":
            self.dir.event("warning", "collapse", self.learning["message"], step=step, epoch=epoch, data={"std": std, "healthy": healthy, "onCollapse": spec["strategy"]["onCollapse"]})
            if spec["strategy"]["onCollapse"] == "stop":
                self._checkpoint(f"collapse at epoch {epoch}")
                raise TrainingFailure(f"the towers' embeddings collapsed at epoch {epoch} and strategy.onCollapse is \"stop\": {figures}. The last checkpoint is kept; set strategy.onCollapse: warn to train on.", where, kind="collapsed", epoch=epoch)
        elif self.learning["state"] == "chance":
            self.dir.event("warning", "chance", self.learning["message"], step=step, epoch=epoch, data={"zeroShotAccuracy": zero_shot, "chance": chance})

    def _write_embeddings(self, run: TowerRun) -> None:
        self.phase = "embeddings"
        data, ds = self.data, self.dataset
        pairs = data.kept
        ea, eb = run.embed_pairs(pairs)
        vectors = torch.cat([F.normalize(ea, dim=1), F.normalize(eb, dim=1)]).numpy().astype(np.float32)
        n = pairs.numel()
        count = 2 * n
        rows = pairs.tolist()
        labels = [None] * count if data.labels is None else [int(data.labels[rows[i % n]]) for i in range(count)]
        test = set(data.test.tolist())
        ids = ds["ids"]
        samples = {"ids": [f"a/{ids[r]}" for r in rows] + [f"b/{ids[r]}" for r in rows], "labels": labels,
                   "split": ["test" if rows[i % n] in test else "train" for i in range(count)]}
        meta = {"formatVersion": 1, "count": count, "dim": int(vectors.shape[1]), "layer": "projection", "dtype": "float32", "byteOrder": "little-endian",
                "labelled": data.labels is not None, "classNames": ds.get("classNames"), "epoch": self.epochs, "step": self.position["step"],
                "projections": ["pca"], "sprite": None}
        files = self.dir.write_embeddings(vectors, pca2d(vectors), samples, meta)
        self.dir.event("info", "embeddings", f"embeddings written: {count} × {vectors.shape[1]} (both towers: a/<id>, b/<id>; {', '.join(files)})", step=self.position["step"],
                       data={"count": count, "dim": int(vectors.shape[1]), "files": files})

    def _finish(self, status: str) -> str:
        if status == "completed" and getattr(self, "last_zero_shot", None) is not None:
            # the one-tower message names kNN accuracy; two towers have zero-shot accuracy instead
            p = self.position
            self.dir.update_record(status=status, pid=None, endedAt=now_iso(), step=p["step"], bestKnnAccuracy=None)
            learning = self.learning
            nothing = learning is not None and learning["state"] != "healthy"
            message = f"run completed: zero-shot accuracy {self.last_zero_shot * 100:.2f}%"
            if nothing:
                message += f", but it learned nothing useful ({'collapsed' if learning['state'] == 'collapsed' else 'chance-level zero-shot accuracy'} at epoch {learning['epoch']})"
            data = {"runDir": self.dir.dir}
            if learning is not None:
                data["learning"] = learning["state"]
            self.dir.event("warning" if nothing else "info", status, message, step=p["step"], data=data)
            return status
        return super()._finish(status)
