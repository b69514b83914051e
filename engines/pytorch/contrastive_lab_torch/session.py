"""One engine run: the life of a run directory as server/trainer/session.ts + trainer.ts + hooks/
live it, on PyTorch. The engine records the backend and the data, trains epoch by epoch with a step
line after every step, evaluates every eval.every epochs (and after the last), checkpoints every
run.checkpointEvery epochs (and at the end and on stop), and ends `completed` (with the final
embeddings), `stopped` (SIGTERM/SIGINT: the current step finishes and a checkpoint is written) or
`failed` (error.kind nonFinite at the first NaN/Inf loss or weight, collapsed with
strategy.onCollapse stop, other)."""
import dataclasses
import math
import signal
import sys
import time
from typing import Any, Callable, Optional

import numpy as np
import torch

from .data import Split
from .distributed import World
from .evaluate import collapse_std, embed, knn_accuracy, linear_probe, retrieval_metrics
from .finetune import label_fraction_rows
from .fewshot import few_shot_accuracy, few_shot_key, few_shot_shortfall
from .label_efficiency import label_efficiency
from .projection import pca2d
from .rundir import RunDirectory, checkpoint_name, now_iso
from .state import capture, extra, restore
from .trainer import Run

#: below these fractions of 1/sqrt(d) the outputs have collapsed / partly collapsed (collapse.ts)
COLLAPSED_BELOW = 0.1
PARTIAL_BELOW = 0.5
#: kNN accuracy within this of the majority-class rate is chance level (learningHealth.ts)
CHANCE_MARGIN = 0.05


def plural(n: int, word: str, words: Optional[str] = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


class StopFlag:
    """SIGTERM / SIGINT ask the loop to stop after the current step; a second SIGINT exits at once."""

    def __init__(self):
        self.reason: Optional[str] = None
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, _frame):
        name = signal.Signals(signum).name
        if self.reason is not None and name == "SIGINT":
            raise SystemExit(130)
        self.reason = name

    @property
    def requested(self) -> bool:
        return self.reason is not None


class TrainingFailure(Exception):
    """A failure the run records as its error (kind, where, step, epoch, value)."""

    def __init__(self, message: str, where: str, kind: str = "other", **fields):
        super().__init__(message)
        self.where, self.kind, self.fields = where, kind, fields


def _js_number(value: float) -> str:
    """A number as JavaScript's String() writes it in the messages both engines print (0.01, 1, 0.5)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _round(value: float, digits: int) -> float:
    return float(round(value, digits))


def _error_kind(e: BaseException) -> str:
    if isinstance(e, TrainingFailure):
        return e.kind
    if isinstance(e, MemoryError):
        return "outOfMemory"
    return "other"


def _few_shot_shortfalls(spec: dict, test_labels: torch.Tensor) -> list:
    """evaluate.ts fewShotShortfalls: one sentence per shot count of eval.fewShot the held-out split is too small for."""
    few = spec["eval"].get("fewShot")
    if few is None:
        return []
    labels = test_labels.tolist()
    return [m for m in (few_shot_shortfall(labels, few["ways"], shots, few["queries"]) for shots in few["shots"]) if m is not None]


def _search_metric(spec: dict) -> str:
    """neighbors.ts metricForSpec: euclidean for un-normalised L-p distances, cosine otherwise."""
    d = spec["distance"]
    euclidean = d["type"] in ("euclidean", "squaredEuclidean", "manhattan") and not d.get("normalize") and not spec["architecture"]["normalizeOutput"]
    return "euclidean" if euclidean else "cosine"


class Session:
    """On several processes (distributed.py) every rank runs the session in step; rank 0 alone writes
    (the others get a FollowerRunDirectory), evaluates, checkpoints and writes the embeddings, and
    what it alone finds (a checkpoint to resume, an evaluation's verdict) reaches every rank."""

    def __init__(self, run_dir: RunDirectory, spec: dict, data: Split, dataset: dict, threads: int, resume: bool, stop: StopFlag,
                 world: World = World(), device: torch.device = torch.device("cpu"), init_from: Optional[str] = None, init_weights: Optional[str] = None):
        """`init_from`, `init_weights`: where spec.init's weights come from (trainer.Run), for a new run."""
        self.dir, self.spec, self.data, self.dataset = run_dir, spec, data, dataset
        self.init_from, self.init_weights = init_from, init_weights
        self.threads, self.resume, self.stop, self.world, self.device = threads, resume, stop, world, device
        record = world.broadcast(run_dir.record() if world.lead else None)
        self.epochs = int(record["epochs"])
        self.phase = "setup"
        self.position = {"step": record["step"], "epoch": record["epoch"] + 1, "batchInEpoch": 0, "elapsedSec": 0.0, "bestKnnAccuracy": record["bestKnnAccuracy"]}
        self.run: Optional[Run] = None
        self.learning = None
        self.last_knn = None
        #: (step, train rows' embeddings, held-out rows' or None) of the newest evaluation (the final embeddings reuse them)
        self.evaluated = None
        self.segment_start = time.perf_counter()

    # ---- the clock: seconds of training, across stops and resumes --------------------------------
    def elapsed(self) -> float:
        return self.position["elapsedSec"] + (time.perf_counter() - self.segment_start)

    def _where(self) -> str:
        if self.phase == "setup":
            return "setup"
        if self.phase == "training":
            return f"step {self.position['step'] + 1} (epoch {self.position['epoch']})"
        return f"{self.phase} after step {self.position['step']}"

    def _stopping(self) -> bool:
        """Whether a stop was asked of any rank; a collective, so every rank stops at the same step."""
        return self.world.any(self.stop.requested)

    def _stop_reason(self) -> str:
        return self.stop.reason or "SIGTERM to another process of the run"

    def _from_lead(self, work, where: str):
        """Runs `work` on rank 0 alone and returns its result on every rank; a failure there fails every rank."""
        outcome = None
        if self.world.lead:
            try:
                outcome = ("ok", work())
            except TrainingFailure as e:
                outcome = ("failure", (str(e), e.where, e.kind, e.fields))
            except Exception as e:  # what rank 0 hit, every rank reports: none waits for it forever
                outcome = ("failure", (f"{where}: {e}", where, _error_kind(e), {}))
                if self.world.size == 1:
                    raise
        outcome = self.world.broadcast(outcome)
        if outcome[0] == "failure":
            message, at, kind, fields = outcome[1]
            raise TrainingFailure(message, at, kind=kind, **fields)
        return outcome[1]

    # ---- the whole run ----------------------------------------------------------------------------
    def execute(self) -> str:
        """Returns the final status: completed, stopped or failed."""
        try:
            return self._train()
        except Exception as e:  # MemoryError included: every failure ends as a failed run saying why
            return self._fail(e)

    def _fail(self, e: BaseException) -> str:
        where = e.where if isinstance(e, TrainingFailure) else self._where()
        error = {"kind": _error_kind(e), "message": str(e), "where": where}
        if isinstance(e, TrainingFailure):
            error.update(e.fields)
        elif self.phase == "training":
            error.update(step=self.position["step"] + 1, epoch=self.position["epoch"])
        self.dir.update_record(status="failed", error=error, pid=None, endedAt=now_iso())
        line = f"run failed: {error['message']}" if error["message"].startswith(f"{where}:") else f"run failed at {where}: {error['message']}"
        self.dir.event("error", "failed", line, data={"where": where})
        if not self.world.lead:  # rank 0 alone writes the run directory: what another rank hit goes to stderr (the launcher shows it)
            print(f"rank {self.world.rank}: {line}", file=sys.stderr, flush=True)
        return "failed"

    def _finish(self, status: str) -> str:
        p = self.position
        self.dir.update_record(status=status, pid=None, endedAt=now_iso(), step=p["step"], bestKnnAccuracy=p["bestKnnAccuracy"])
        learning = self.learning
        learned_nothing = status == "completed" and learning is not None and learning["state"] != "healthy"
        if status == "completed":
            message = "run completed" + (f": kNN accuracy {self.last_knn * 100:.2f}%" if self.last_knn is not None else "")
            if learned_nothing:
                message += f", but it learned nothing useful ({'collapsed' if learning['state'] == 'collapsed' else 'chance-level kNN'} at epoch {learning['epoch']})"
        else:
            message = f"run stopped at step {p['step']}; continue with: contrastive-lab resume {self.dir.dir}"
        data = {"runDir": self.dir.dir}
        if learning is not None:
            data["learning"] = learning["state"]
        self.dir.event("warning" if learned_nothing else "info", status, message, step=p["step"], data=data)
        return status

    def _stopping_before_training(self) -> str:
        self.dir.event("info", "stopping", f"stop requested ({self._stop_reason()}) before training began", step=self.position["step"])
        return self._finish("stopped")

    def _train(self) -> str:
        leftovers = self.dir.remove_temp_files()
        device, world = self.device, self.world
        backend = f"pytorch-{device.type}"
        self.dir.started(backend)
        where = "the CPU" if device.type == "cpu" else str(device)
        processes = f", {world.size} processes (DistributedDataParallel, {world.backend}), {plural(self.threads, 'thread')} each" if world.size > 1 else f", {plural(self.threads, 'thread')}"
        self.dir.event("info", "backend", f"backend: {backend} (PyTorch {torch.__version__} on {where}{processes})",
                       data={"backend": backend, "engine": "pytorch", "torch": torch.__version__, "device": str(device), "threads": self.threads,
                             "processes": world.size, "distributedBackend": world.backend})
        if leftovers:
            self.dir.event("warning", "recovered", f"removed {plural(len(leftovers), 'temporary file')} left by an earlier failed write: {', '.join(leftovers)}", data={"removed": leftovers})
        data, ds = self.data, self.dataset
        # data.labelFraction: a stratified, seeded subset of the training split (labelFraction.ts)
        whole = data.train.numel()
        fraction = self.spec["data"].get("labelFraction", 1)
        if fraction < 1:
            self.data = data = dataclasses.replace(data, train=label_fraction_rows(data.train, data.labels, fraction, int(self.spec["data"]["split"]["seed"])))
        kept = f" (data.labelFraction {_js_number(fraction)} of {whole})" if data.train.numel() < whole else ""
        classes = ds.get("classNames")
        shape = "×".join(str(d) for d in data.sample_shape)
        self.dir.event("info", "data", f"data: {ds['source']}, {ds['count']} {ds['kind']} of shape [{shape}], {data.train.numel()} train{kept} / {data.test.numel()} held out"
                       + (f", {plural(len(classes), 'class', 'classes')}" if classes else ", unlabelled"),
                       data={"source": ds["source"], "count": ds["count"], "train": data.train.numel(), "test": data.test.numel(), "classes": len(classes) if classes else None})
        if self._stopping():
            return self._stopping_before_training()

        spec = self.spec
        strategy = spec["strategy"]
        # a new run starts from init.from's weights; a resumed one has them in its checkpoint already
        init_from = self.init_from if not self.resume else None
        run = self.run = Run(spec, data, self.epochs, int(strategy["seed"]), world, device, init_from, self.init_weights if init_from is not None else None)
        init = spec.get("init")
        if run.init_source is not None:
            self.dir.event("info", "log", f"init: {' and '.join(init['parts'])} from {init_from}{' (frozen)' if init['freeze'] else ''}",
                           data={"initFrom": init_from, "parts": list(init["parts"]), "freeze": bool(init["freeze"]), "checkpoint": run.init_source})
        steps_per_epoch = run.sampler.batches_per_epoch
        chance = None
        if data.labels is not None and data.test.numel() > 0:
            test_labels = data.labels[data.test]
            chance = float(torch.bincount(test_labels[test_labels >= 0]).max()) / test_labels.numel()
            for shortfall in _few_shot_shortfalls(spec, test_labels):
                self.dir.event("warning", "log", f"{shortfall}; that figure is left out of the evaluations")
        started = f"training {spec['experiment']}: {plural(self.epochs, 'epoch')} × {plural(steps_per_epoch, 'step')}, batch {strategy['batchSize']}, seed {strategy['seed']}"
        # rank 0 reads the checkpoint (written by any number of processes: the state is the same) and every rank loads it
        return self._start_or_resume(run, steps_per_epoch, chance, started,
                                     newest=lambda: self._from_lead(lambda: self.dir.newest_intact_checkpoint(), "resume"),
                                     restore_payload=lambda payload: restore(run, payload))

    def _start_or_resume(self, run: Any, steps_per_epoch: int, chance: Optional[float], started: str,
                         newest: Callable[[], Any], restore_payload: Callable[[Any], None]) -> str:
        """Says the run started, or restores the newest intact checkpoint and says where it resumed; then trains."""
        self.position = {"step": 0, "epoch": 1, "batchInEpoch": 0, "elapsedSec": 0.0, "bestKnnAccuracy": None}
        change = {}
        if self.resume:
            name, state, payload, notes = newest()
            for note in notes:
                self.dir.event("warning", "recovered", note)
            if name is not None:
                restore_payload(payload)
                self.position = dict(state["position"])
                damaged = self.dir.keep_metrics_up_to(self.position["step"])
                if damaged:
                    self.dir.event("warning", "recovered", f"{self.dir.metrics}: dropped {plural(damaged, 'damaged line')}; the steps after {name} are redone", data={"damaged": damaged})
                self.dir.event("info", "resumed", f"resumed from checkpoints/{name} (step {self.position['step']}, epoch {self.position['epoch']})", step=self.position["step"], epoch=self.position["epoch"])
            else:
                self.dir.keep_metrics_up_to(0)
                self.dir.event("info", "resumed", "no checkpoint yet: starting from the beginning", step=0, epoch=1)
            change["lastCheckpoint"] = f"checkpoints/{checkpoint_name(self.position['step'])}" if self.position["step"] > 0 else None
        else:
            self.dir.event("info", "started", started, data={"epochs": self.epochs, "stepsPerEpoch": steps_per_epoch})
        self.dir.update_record(stepsPerEpoch=steps_per_epoch, step=self.position["step"], epoch=self.position["epoch"] - 1, **change)
        if self._stopping():
            return self._stopping_before_training()
        return self._loop(run, steps_per_epoch, chance)

    def _loop(self, run: Run, steps_per_epoch: int, chance: Optional[float]) -> str:
        spec, p = self.spec, self.position
        batch_size = spec["strategy"]["batchSize"]
        every = max(1, int(spec["eval"]["every"]))
        checkpoint_every = max(1, int(spec["run"]["checkpointEvery"]))
        # Every weight the step may change: the network's (batch-norm statistics included), the EMA target's, the loss's own.
        networks = [run.model] + ([run.ema.target] if run.ema is not None else []) + ([run.classifier] if run.classifier is not None else [])
        parameters = [t for n in networks for t in list(n.parameters()) + [b for b in n.buffers() if b.is_floating_point()]] + list(run.loss.parameters)
        self.segment_start = time.perf_counter()
        while p["epoch"] <= self.epochs:
            epoch = p["epoch"]
            batches = run.sampler.batches(epoch)
            self.phase = "training"
            for b in range(p["batchInEpoch"], steps_per_epoch):
                step = p["step"] + 1
                started = time.perf_counter()
                loss = run.train_step(batches[b], step)
                seconds = time.perf_counter() - started
                self._check_finite(loss, parameters, step, epoch, run.last_lr)
                p.update(step=step, batchInEpoch=b + 1)
                self.dir.metric({"kind": "step", "step": step, "epoch": epoch, "time": _round(self.elapsed(), 3), "loss": loss, "lr": run.last_lr,
                                 "samplesPerSec": _round(batch_size / max(seconds, 1e-9), 1)})
                stopping = self._stopping()
                if stopping and b + 1 < steps_per_epoch:
                    self.dir.event("info", "stopping", f"stop requested ({self._stop_reason()}): finishing at step {step}", step=step, epoch=epoch)
                    self._checkpoint("stop")
                    return self._finish("stopped")
            p.update(epoch=epoch + 1, batchInEpoch=0)
            self.dir.event("info", "epoch", f"epoch {epoch}/{self.epochs} done", step=p["step"], epoch=epoch)
            if epoch % every == 0 or epoch == self.epochs:
                self._from_lead(lambda: self._evaluate(run, epoch, chance), f"evaluation after epoch {epoch}")
            stopping = self._stopping()
            if epoch % checkpoint_every == 0 or epoch == self.epochs or stopping:
                self._checkpoint("end" if epoch == self.epochs else "stop" if stopping else f"epoch {epoch}")
            if stopping and epoch < self.epochs:
                self.dir.event("info", "stopping", f"stop requested ({self._stop_reason()}): stopped after epoch {epoch}", step=p["step"], epoch=epoch)
                return self._finish("stopped")
        if self._stopping():
            # after the last epoch's checkpoint: the run is complete but for its embeddings, which resume writes
            self.dir.event("info", "stopping", f"stop requested ({self._stop_reason()}) before the embeddings were written", step=p["step"])
            return self._finish("stopped")
        self._from_lead(lambda: self._write_embeddings(run), "embeddings")
        return self._finish("completed")

    def _check_finite(self, loss: float, parameters, step: int, epoch: int, lr: float) -> None:
        at = f"at step {step} (epoch {epoch}, learning rate {lr:.3g})"
        hint = "Lower strategy.optimizer.learningRate, set strategy.gradientClipNorm, or check the data for NaN/Inf entries."
        if not math.isfinite(loss):
            value = "NaN" if math.isnan(loss) else ("Infinity" if loss > 0 else "-Infinity")
            message = f"the loss became {value} {at}. {hint}"
            self.dir.event("error", "nan", message, step=step, epoch=epoch, data={"loss": value, "lr": lr, "kind": "loss", "tensor": "loss", "value": value})
            raise TrainingFailure(message, f"step {step} (epoch {epoch})", kind="nonFinite", step=step, epoch=epoch, value=value)
        with torch.no_grad():
            # One read (on a GPU each bool() would wait for the device) of one sum per weight: NaN and ±Inf
            # carry through a sum, so finite sums are finite weights — a twentieth of the cost of testing
            # every entry here, which is done only when a sum is not finite (a non-finite weight, or finite
            # ones whose sum overflows: then the entries decide).
            finite = bool(torch.isfinite(torch.stack([q.sum() for q in parameters])).all())
            if not finite:
                finite = bool(torch.stack([torch.isfinite(q).all() for q in parameters]).all())
        if not finite:
            message = f"a weight became non-finite {at} (the loss was {loss:.5g}); the update overflowed. {hint}"
            self.dir.event("error", "nan", message, step=step, epoch=epoch, data={"loss": str(loss), "lr": lr, "kind": "parameter", "tensor": "a weight", "value": "NaN"})
            raise TrainingFailure(message, f"step {step} (epoch {epoch})", kind="nonFinite", step=step, epoch=epoch, value="NaN")

    def _checkpoint(self, why: str) -> None:
        self.phase = "checkpoint"
        if not self.world.lead:
            return  # every rank holds the same state; rank 0 writes it
        p = self.position
        position = {**p, "elapsedSec": _round(self.elapsed(), 3)}
        name = self.dir.save_checkpoint(position, extra(self.run), capture(self.run))
        self.dir.update_record(lastCheckpoint=name, step=p["step"], epoch=p["epoch"] - 1, bestKnnAccuracy=p["bestKnnAccuracy"])
        self.dir.event("info", "checkpoint", f"checkpoint saved ({why}): {name}", step=p["step"], epoch=p["epoch"] - 1 if p["batchInEpoch"] == 0 else p["epoch"], data={"path": name})

    # ---- evaluation (server/trainer/evaluate.ts + hooks/evaluation.ts) ---------------------------
    def _evaluate(self, run: Run, epoch: int, chance: Optional[float]) -> None:
        self.phase = "evaluation"
        spec, data = self.spec, self.data
        layer = spec["eval"]["layer"]
        self._write_timeline(run, layer)
        train = embed(run.model, data.x, data.train, layer)
        test = embed(run.model, data.x, data.test, layer) if data.test.numel() > 0 else None
        if self.device.type == "mps":  # the evaluations run where the embeddings are, but MPS has no float64 (kNN votes, the probe)
            train, test = train.cpu(), (test.cpu() if test is not None else None)
        self.evaluated = (self.position["step"], train, test)
        knn = probe = retrieval = few_shot = curve = classified = None
        if data.labels is not None and test is not None:
            train_labels, test_labels = data.labels[data.train], data.labels[data.test]
            if spec["eval"]["knn"] is not None:
                knn = knn_accuracy(train, train_labels, test, test_labels, spec["eval"]["knn"]["k"], spec["eval"]["knn"]["temperature"])
            probe_spec = spec["eval"]["linearProbe"]
            # seeded by (seed, epoch) as evaluate.ts, so a resumed run evaluates alike
            probe_seed = (spec["strategy"]["seed"] * 7919 + epoch) % 2 ** 32
            if probe_spec is not None and torch.unique(train_labels).numel() > 1:
                probe = linear_probe(train, train_labels, test, test_labels, probe_spec["labelFraction"], probe_spec["epochs"], probe_seed)
            if spec["eval"]["retrieval"] is not None and torch.unique(test_labels).numel() < test_labels.numel():
                retrieval = retrieval_metrics(test, test_labels, spec["eval"]["retrieval"]["recallAtK"], _search_metric(spec))
            few = spec["eval"].get("fewShot")
            if few is not None:
                # a shot count the split is too small for is left out (warned about at the start)
                few_shot = {few_shot_key(few["ways"], shots): few_shot_accuracy(test, test_labels, few["ways"], shots, few["queries"], few["episodes"], few["seed"], _search_metric(spec))
                            for shots in few["shots"] if few_shot_shortfall(test_labels.tolist(), few["ways"], shots, few["queries"]) is None}
            if run.classifier is not None:  # the classifier head's accuracy on the held-out split
                classified = float((run.classify(data.test) == test_labels.cpu()).double().mean())
            efficiency = spec["eval"].get("labelEfficiency")
            # at the last evaluation only, as evaluate.ts: it costs a few linear probes
            if efficiency is not None and epoch == self.epochs and torch.unique(train_labels).numel() > 1:
                knn_spec = spec["eval"]["knn"] or {"k": 20, "temperature": 0.07}
                curve = label_efficiency(train, train_labels, test, test_labels, efficiency["fractions"], efficiency["epochs"], efficiency["seed"], probe_seed, knn_spec["k"], knn_spec["temperature"])
        outputs = test if test is not None and test.shape[0] >= 2 else train
        std = collapse_std(outputs)
        healthy = 1 / math.sqrt(outputs.shape[1])
        where = f"evaluation after epoch {epoch}"
        if not math.isfinite(std) or (knn is not None and not math.isfinite(knn)):
            raise TrainingFailure(f"the embeddings contain NaN or Inf at the {where} although every training step was finite; the evaluation pass (batch-norm moving statistics) overflowed. Lower strategy.optimizer.learningRate or set strategy.gradientClipNorm.",
                                  where, kind="nonFinite", epoch=epoch, value="NaN")
        self.dir.metric({"kind": "eval", "step": self.position["step"], "epoch": epoch, "time": _round(self.elapsed(), 3), "knnAccuracy": knn, "linearProbeAccuracy": probe,
                         "precisionAt1": retrieval["precisionAt1"] if retrieval else None, "recallAtK": retrieval["recallAtK"] if retrieval else None,
                         "mapAtR": retrieval["mapAtR"] if retrieval else None, "collapseStd": std, "collapseHealthyStd": healthy,
                         "fewShot": few_shot, "labelEfficiency": curve,
                         "classifierAccuracy": classified})
        self.last_knn = knn
        if knn is not None and (self.position["bestKnnAccuracy"] is None or knn > self.position["bestKnnAccuracy"]):
            self.position["bestKnnAccuracy"] = knn
        dim = outputs.shape[1]
        figures = f"output std {std:.3g} vs {healthy:.3g} (1/√{dim}) for spread-out outputs"
        ratio = std / healthy
        if ratio < COLLAPSED_BELOW:
            verdict = f"Representation collapse: {figures}; the outputs barely depend on the input. Check stop-gradient/EMA, the predictor, the learning rate, or the loss's variance term."
            self.learning = {"state": "collapsed", "epoch": epoch, "message": f"epoch {epoch}: {verdict}"}
        elif knn is not None and chance is not None and knn < chance + CHANCE_MARGIN:
            self.learning = {"state": "chance", "epoch": epoch, "message": f"epoch {epoch}: kNN accuracy {knn * 100:.2f}% is at chance level (always answering the most common class scores {chance * 100:.2f}%): the representation has learned nothing useful yet. Check the loss and augmentations, or train longer."}
        else:
            verdict = f"Partial collapse suspected: {figures}; the outputs occupy only part of the space." if ratio < PARTIAL_BELOW else f"No collapse: {figures}."
            self.learning = {"state": "healthy", "epoch": epoch, "message": f"epoch {epoch}: {verdict}"}
        self.dir.update_record(learning=self.learning)
        step = self.position["step"]
        if self.learning["state"] == "collapsed":
            on_collapse = spec["strategy"]["onCollapse"]
            self.dir.event("warning", "collapse", self.learning["message"], step=step, epoch=epoch, data={"std": std, "healthy": healthy, "onCollapse": on_collapse})
            if on_collapse == "stop":
                self._checkpoint(f"collapse at epoch {epoch}")
                raise TrainingFailure(f"the representation collapsed at epoch {epoch} and strategy.onCollapse is \"stop\": {verdict} The last checkpoint is kept; set strategy.onCollapse: warn to train on.",
                                      where, kind="collapsed", epoch=epoch)
        elif self.learning["state"] == "chance":
            self.dir.event("warning", "chance", self.learning["message"], step=step, epoch=epoch, data={"knnAccuracy": knn, "chance": chance})

    def _write_timeline(self, run: Run, layer: str) -> None:
        """hooks/timeline.ts: the probe set's embeddings at this evaluation, before it is judged;
        non-finite ones are not kept (the evaluation then fails the run and says why)."""
        data, ds = self.data, self.dataset
        vectors = embed(run.model, data.x, data.probe, layer).cpu().numpy().astype(np.float32)
        if not np.isfinite(vectors).all():
            return
        rows = data.probe.tolist()
        labels = [None] * len(rows) if data.labels is None else [int(data.labels[r]) if data.labels[r] >= 0 else None for r in rows]
        probe = {"formatVersion": 1, "count": len(rows), "dim": int(vectors.shape[1]), "layer": layer, "split": "test" if data.test.numel() > 0 else "train",
                 "rows": rows, "ids": [ds["ids"][r] for r in rows], "labels": labels, "classNames": ds.get("classNames")}
        self.dir.write_timeline(self.position["step"], vectors, probe)

    # ---- the final embeddings (server/trainer/embed.ts; the launcher adds UMAP and the sprite) ----
    def _final_vectors(self, run: Run, layer: str, count: int) -> np.ndarray:
        """Every sample's embedding, in data order. The last evaluation has just embedded the same
        network's train and held-out rows on the evaluated layer: when those are all the samples they
        are put in order rather than computed again (a pass over the whole data set saved)."""
        data = self.data
        if self.evaluated is not None and self.evaluated[0] == self.position["step"]:
            _, train, test = self.evaluated
            rows = torch.cat([data.train, data.test]) if test is not None else data.train
            if rows.numel() == count and bool((torch.sort(rows).values == torch.arange(count)).all()):
                vectors = torch.empty((count, train.shape[1]), dtype=train.dtype, device=train.device)
                vectors[data.train.to(train.device)] = train
                if test is not None:
                    vectors[data.test.to(train.device)] = test
                return vectors.cpu().numpy().astype(np.float32)
        return embed(run.model, data.x, torch.arange(count), layer).cpu().numpy().astype(np.float32)

    def _write_embeddings(self, run: Run) -> None:
        self.phase = "embeddings"
        data, ds = self.data, self.dataset
        count = data.x.shape[0]
        layer = self.spec["eval"]["layer"]
        vectors = self._final_vectors(run, layer, count)
        test = set(data.test.tolist())
        labels = [None] * count if data.labels is None else [int(v) if v >= 0 else None for v in data.labels.tolist()]
        samples = {"ids": ds["ids"], "labels": labels, "split": ["test" if i in test else "train" for i in range(count)]}
        meta = {"formatVersion": 1, "count": count, "dim": int(vectors.shape[1]), "layer": layer, "dtype": "float32", "byteOrder": "little-endian",
                "labelled": data.labels is not None, "classNames": ds.get("classNames"), "epoch": self.epochs, "step": self.position["step"],
                "projections": ["pca"], "sprite": None}
        files = self.dir.write_embeddings(vectors, pca2d(vectors), samples, meta)
        self.dir.event("info", "embeddings", f"embeddings written: {count} × {vectors.shape[1]} ({', '.join(files)})", step=self.position["step"],
                       data={"count": count, "dim": int(vectors.shape[1]), "files": files})
