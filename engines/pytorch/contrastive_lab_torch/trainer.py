"""One run of a resolved spec: the step as server/trainer/methods/ + parts.ts assemble it, and
the epoch loop of trainer.ts (with the hooks session.ts gives it) with evaluation every eval.every
epochs (and after the last).

The step: labelled positives → the (weak-view) batch with its labels; augmentation positives → a
weak and a strong view. The target branch is the EMA network (BYOL/MoCo, no gradient), the online
projection under stop-gradient (SimSiam, or any negative-free loss), or the online projection itself
(SimCLR). With a prediction head or an EMA target the loss is symmetrised over the two views; with a
queue, queries are view 1 and keys the target branch on view 2, past keys the extra negatives."""
import math
import time
from typing import Callable, Dict, Optional

import torch

from .augment import Rows, build_pipeline, step_rng
from .data import Split
from .devicecheck import DeviceCheck, enabled as device_check_enabled
from .distributed import World, convert_sync_batchnorm, local_rows
from .evaluate import embed, knn_accuracy
from .fastmm import matmul_nt
from .finetune import ClassifierHead, WithClassifier, class_count, freeze, load_parts
from .losses import CLASS_LOSSES, Loss, pair_ids
from .models import ContrastiveModel
from .optim import clip_by_global_norm, create_optimizer, schedule_lr
from .strategies import EmaTarget, MemoryQueue, MPerClassSampler, RandomSampler, target_temperature_loss

Outputs = Dict[str, Optional[torch.Tensor]]


def _sampler(spec: dict, data: Split, seed: int):
    sampler = spec["pairs"]["sampler"]
    batch_size = spec["strategy"]["batchSize"]
    if sampler["type"] == "mPerClass":
        if data.labels is None:
            raise ValueError("pairs.sampler: mPerClass needs labelled data, but this dataset has no labels")
        s = MPerClassSampler(data.train, data.labels, sampler["m"], batch_size, seed)
    else:
        s = RandomSampler(data.train, batch_size, seed)
    if s.batches_per_epoch < 1:
        raise ValueError(f"strategy.batchSize {batch_size} is larger than the {data.train.numel()} training samples; lower the batch size or use more data.")
    return s


class Run:
    """Every tensor of the run lives on `device`: the model, the EMA target, the loss's parameters,
    the queue, the optimiser's state (created from the parameters there), the batches and views;
    the data set stays on the CPU and each batch is moved over. Random draws are made on the CPU
    (the weights' initialisation, the augmentations' parameters and noise), so a seed gives the
    same run on every device up to the kernels' rounding."""

    def __init__(self, spec: dict, data: Split, epochs: int, seed: int, world: World = World(), device: torch.device = torch.device("cpu"),
                 init_from: Optional[str] = None, init_weights: Optional[str] = None):
        """`init_from`: the run directory (absolute) whose weights spec.init loads, None when they are not
        to be loaded (a resumed run's checkpoint holds them); `init_weights`: a tfjs run's weights as the
        launcher read them (finetune.load_parts)."""
        self.spec, self.data, self.epochs, self.seed, self.world, self.device = spec, data, epochs, seed, world, device
        torch.manual_seed(seed)
        self.model = ContrastiveModel(spec["architecture"], data.sample_shape)
        self.model.train()
        init = spec.get("init")
        #: where the init weights came from (`<run>/checkpoints/step-<N>`), None without them
        self.init_source = load_parts(self.model, init_from, init["parts"], data.sample_shape, init_weights) if init is not None and init_from is not None else None
        if init is not None and init["freeze"]:
            freeze(self.model, init["parts"])  # frozen parts leave the optimiser: unchanged bit for bit
        # loss crossEntropy: a classifier head on the representation; the projection and prediction heads are off its path
        self.classifier: Optional[ClassifierHead] = None
        if spec["loss"]["type"] in CLASS_LOSSES:
            self.classifier = ClassifierHead(spec["architecture"]["representationSize"], class_count(data.classes, data.labels))
            for head in (self.model.projection, self.model.prediction):
                if head is not None:
                    head.requires_grad_(False)
        # Several processes (distributed.py): batch norm over the global batch when asked (before the
        # EMA copy, so the target normalises alike); the forwards that train go through DDP.
        self.sync_batch_norm = world.size > 1 and bool(spec["run"].get("syncBatchNorm", False))
        if self.sync_batch_norm:
            convert_sync_batchnorm(self.model)
        self.model.to(device)
        trained: torch.nn.Module = self.model
        if self.classifier is not None:
            self.classifier.to(device)
            trained = WithClassifier(self.model, self.classifier)  # one module: DDP averages the head's gradients too
        ddp_devices = [device.index] if device.type == "cuda" else None  # one GPU per process (distributed.resolve_device)
        self.network = torch.nn.parallel.DistributedDataParallel(trained, device_ids=ddp_devices, broadcast_buffers=False) if world.size > 1 else trained
        strategy = spec["strategy"]
        self.ema = EmaTarget(self.model) if strategy["ema"] is not None else None
        if self.ema is not None:
            self.ema.target.train()
        self.loss = Loss(spec["loss"], spec["distance"], spec["pairs"]["mining"], device)
        self.device_check = DeviceCheck(device) if device_check_enabled() else None
        if self.device_check is not None:
            self.device_check.wrap_loss(self.loss)
        # collapse.ts: a negative-free loss always stops gradients through the target branch
        self.stop_gradients = bool(strategy["stopGradient"]) or spec["loss"]["type"] == "negativeCosine"
        negatives = spec["pairs"]["negatives"]
        self.queue = MemoryQueue(negatives["size"], self.model.projection_size, device) if negatives["type"] == "queue" else None
        head = list(self.classifier.parameters()) if self.classifier is not None else []
        #: what gradient clipping measures: the network's weights and the classifier head's
        self.clipped = [p for p in self.model.parameters() if p.requires_grad] + head
        self.optimizer = create_optimizer(strategy["optimizer"], [p for p in self.model.parameters() if p.requires_grad] + self.loss.parameters + head)
        self.sampler = _sampler(spec, data, seed)
        self.train_labels = data.labels if spec["data"]["useLabels"] else None
        pairs = spec["pairs"]
        self.two_views = pairs["positives"] == "augmentation"
        self.weak = build_pipeline(pairs["views"]["weak"])
        self.strong = build_pipeline(pairs["views"]["strong"])
        self.weak_only = not self.two_views and len(pairs["views"]["weak"]) > 0
        self.total_steps = epochs * self.sampler.batches_per_epoch
        self.last_lr = float(strategy["optimizer"]["learningRate"])
        # Seconds per phase, for bench/recipes.ts (perf_counter around synchronous CPU work: cheap).
        self.phases = {"data": 0.0, "augmentation": 0.0, "forwardBackward": 0.0, "optimiser": 0.0, "evaluation": 0.0}

    def _add(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.phases[phase] += now - since
        return now

    # ---- the objective (the Method methods/pick.ts picks) -------------------------------------
    # The outputs the loss sees are the global batch's (World.gather: this rank's rows keep their graph).
    def _online(self, x: torch.Tensor) -> Outputs:
        return self.network(x)

    def _target_out(self, x: torch.Tensor, online_outputs: Outputs) -> torch.Tensor:
        if self.ema is not None:
            with torch.no_grad():
                return self.world.gather(self.ema.target(x)["projection"])
        return self.world.gather(online_outputs["projection"].detach() if self.stop_gradients else online_outputs["projection"])

    def _online_out(self, o: Outputs) -> torch.Tensor:
        return self.world.gather(o["prediction"] if o["prediction"] is not None else o["projection"])

    def _with_queue(self, queries, query_labels, keys, key_labels) -> torch.Tensor:
        stored = self.queue.contents()
        ref, ref_labels = (keys, key_labels) if stored is None else (torch.cat([keys, stored[0]]), torch.cat([key_labels, stored[1]]))
        return self.loss.labelled(queries, query_labels, ref, ref_labels)

    def _with_target_temperature(self, base: torch.Tensor, triples) -> torch.Tensor:
        tt = self.spec["strategy"]["targetTemperature"]
        if tt is None:
            return base
        terms = [target_temperature_loss(matmul_nt(ta, tb), matmul_nt(o, tb), tt) for o, ta, tb in triples]
        return base + sum(terms) / len(terms)

    def objective(self, labels: Optional[torch.Tensor], view1: torch.Tensor, view2: Optional[torch.Tensor]):
        """Returns (loss, keys to enqueue or None, their labels)."""
        if self.classifier is not None:  # methods/classifier.ts: one (weak) view through the network and the head
            if labels is None:
                raise ValueError(f"loss {self.loss.type} trains a classifier on the labels, but training sees none; use labelled data with data.useLabels: true.")
            return self.loss.classes(self.world.gather(self._online(view1)["logits"]), labels), None, None
        has_target_branch = self.ema is not None or self.stop_gradients
        symmetric = self.spec["architecture"]["prediction"] is not None or self.ema is not None
        if view2 is None:
            if labels is None:
                raise ValueError('pairs.positives is "labels" but this data has no labels (or data.useLabels is false)')
            o = self._online(view1)
            z = self._online_out(o)
            if self.queue is not None:
                keys = self._target_out(view1, o)
                return self._with_queue(z, labels, keys, labels), keys.detach(), labels
            base = self.loss.labelled(z, labels)
            if self.spec["strategy"]["targetTemperature"] is None:
                return base, None, None
            t = self._target_out(view1, o)
            return self._with_target_temperature(base, [(z, t, t)]), None, None
        o1 = self._online(view1)
        z1 = self._online_out(o1)
        if self.queue is not None:
            n = z1.shape[0]
            o2 = self._online(view2) if self.ema is None else o1
            keys = self._target_out(view2, o2)
            ids = torch.arange(n, device=z1.device)
            return self._with_queue(z1, ids, keys, ids), keys.detach(), torch.full((n,), -1, dtype=torch.long, device=z1.device)
        o2 = self._online(view2)
        z2 = self._online_out(o2)
        if not has_target_branch and not symmetric and self.spec["strategy"]["targetTemperature"] is None:
            return self.loss.two_views(z1, z2), None, None
        t2 = self._target_out(view2, o2)
        t1 = self._target_out(view1, o1)
        if not symmetric:
            base = self.loss.two_views(z1, t2 if has_target_branch else z2)
            return self._with_target_temperature(base, [(z1, t1, t2)]), None, None
        base = 0.5 * (self.loss.two_views(z1, t2) + self.loss.two_views(z2, t1))
        return self._with_target_temperature(base, [(z1, t1, t2), (z2, t2, t1)]), None, None

    # ---- one step (parts.ts trainStep) --------------------------------------------------------
    def make_batch(self, indices: torch.Tensor, step: int):
        """The global batch's labels and this rank's rows of its views, on the run's device. The
        augmentations draw the parameters of the whole global batch (per sample, in batch order) and
        transform this rank's rows alone, so W processes see exactly the views one process does and
        share the work of making them."""
        t = time.perf_counter()
        labels = self.train_labels[indices].to(self.device) if self.train_labels is not None else None
        rows = local_rows(indices, self.world)
        x = self.data.x[indices[rows]].to(self.device)
        sel = Rows(indices.numel(), rows)
        t = self._add("data", t)
        try:
            if self.two_views:
                return labels, self.weak(x, step_rng(self.seed, "views", "weak", step), sel), self.strong(x, step_rng(self.seed, "views", "strong", step), sel)
            if self.weak_only:
                return labels, self.weak(x, step_rng(self.seed, "views", "weak", step), sel), None
            return labels, x, None
        finally:
            self._add("augmentation", t)

    def train_step(self, indices: torch.Tensor, step: int) -> float:
        value, keys, key_labels = self.backward(indices, step)
        if math.isfinite(value):
            self.update(step, keys, key_labels)
        return value

    def backward(self, indices: torch.Tensor, step: int):
        """Forward and backward of one step: (loss, keys to enqueue, their labels); the gradients are
        the single-process gradients of the global batch on every rank."""
        strategy = self.spec["strategy"]
        lr = schedule_lr(strategy["schedule"], strategy["optimizer"]["learningRate"], step - 1, self.total_steps, self.sampler.batches_per_epoch)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.last_lr = lr  # the step line's `lr` (the engine's metrics.jsonl)
        labels, view1, view2 = self.make_batch(indices, step)
        if self.device_check is not None:
            self.device_check.tensors("the batch", [("labels", labels), ("view 1", view1), ("view 2", view2)])
        t = time.perf_counter()
        self.optimizer.zero_grad(set_to_none=True)
        loss, keys, key_labels = self.objective(labels, view1, view2)
        value = float(loss.detach())
        if not math.isfinite(value):
            return value, None, None
        # ×W: DDP averages the ranks' gradients, whose sum is the gradient of the global loss
        (loss * self.world.size).backward()
        if self.world.size > 1:
            for p in self.loss.parameters:  # outside DDP: every rank has the whole dL/dp, ×W
                if p.grad is not None:
                    p.grad.div_(self.world.size)
        self._add("forwardBackward", t)
        return value, keys, key_labels

    def update(self, step: int, keys: Optional[torch.Tensor], key_labels: Optional[torch.Tensor]) -> None:
        """The optimiser step, then the EMA target and the queue (identical on every rank)."""
        strategy = self.spec["strategy"]
        t = time.perf_counter()
        if strategy["gradientClipNorm"] is not None:
            clip_by_global_norm(self.clipped, strategy["gradientClipNorm"])
        self.optimizer.step()
        if not self.sync_batch_norm:
            self.world.broadcast_buffers(self.model)  # each rank's own batch statistics: rank 0's are kept
        if self.ema is not None:
            self.ema.update(step - 1, self.total_steps, strategy["ema"])
        if self.queue is not None and keys is not None:
            self.queue.enqueue(keys, key_labels)
        if self.device_check is not None:
            self.device_check.step_state(self)
        self._add("optimiser", t)

    @torch.no_grad()
    def classify(self, indices: torch.Tensor) -> torch.Tensor:
        """parts.ts classify: the classifier head's predicted class of each sample, in inference mode (on the CPU)."""
        was_training = self.model.training
        self.model.eval()
        try:
            out = [self.classifier(self.model(self.data.x[indices[i:i + 1024]].to(self.device))["representation"]).argmax(dim=1).cpu()
                   for i in range(0, indices.numel(), 1024)]
        finally:
            self.model.train(was_training)
        return torch.cat(out) if out else torch.zeros(0, dtype=torch.long)

    def evaluate(self) -> Optional[float]:
        knn = self.spec["eval"]["knn"]
        labels = self.data.labels
        if knn is None or labels is None or self.data.test.numel() == 0:
            return None
        layer = self.spec["eval"]["layer"]
        train = embed(self.model, self.data.x, self.data.train, layer)
        test = embed(self.model, self.data.x, self.data.test, layer)
        return knn_accuracy(train, labels[self.data.train].to(self.device), test, labels[self.data.test].to(self.device), knn["k"], knn["temperature"])

    def run(self, report: Callable[[dict], None]) -> dict:
        start = time.perf_counter()
        step = 0
        last = None
        every = max(1, int(self.spec["eval"]["every"]))
        for epoch in range(1, self.epochs + 1):
            losses = []
            for indices in self.sampler.batches(epoch):
                step += 1
                value = self.train_step(indices, step)
                if not math.isfinite(value):
                    raise FloatingPointError(f"the loss became {value} at step {step} (epoch {epoch})")
                losses.append(value)
            if epoch % every == 0 or epoch == self.epochs:
                t = time.perf_counter()
                last = self.evaluate()
                self._add("evaluation", t)
                report({"epoch": epoch, "knnAccuracy": last, "seconds": round(time.perf_counter() - start, 3), "loss": sum(losses) / len(losses)})
        phases = {k: round(v, 3) for k, v in self.phases.items()}
        return {"done": True, "knnAccuracy": last, "epochs": self.epochs, "seconds": round(time.perf_counter() - start, 3), "steps": step, "phases": phases}
