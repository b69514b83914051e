"""Several processes on PyTorch's own distributed runtime (torch.distributed, env:// rendezvous:
MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK, as torchrun or the launcher sets them).

How a run on W processes computes exactly what one process computes on the same global batch:
- the sampler draws the GLOBAL batch (strategy.batchSize) as one process would, seeded per epoch,
  and rank r keeps rows [r·B/W, (r+1)·B/W) of it (`local_rows`);
- each rank runs the network on its rows; every output the loss sees is all-gathered into the global
  batch (`World.gather`): the other ranks' rows are constants, the local rows keep their graph, so
  every rank evaluates the same loss over the same global batch (any loss: batch negatives, labels,
  miners, batch statistics) and back-propagates into its own rows only;
- the loss is multiplied by W before backward, so DDP's gradient average (÷W) leaves the sum over
  ranks = the single-process gradient; the loss's own parameters (outside DDP) are divided by W back;
- with run.syncBatchNorm, batch norm normalises with the statistics of the global batch (`SyncTfBatchNorm`,
  a differentiable all-reduce: torch's SyncBatchNorm needs CUDA in torch 1.x); without it each rank
  normalises its own rows and rank 0's moving statistics are broadcast after every step, so the EMA
  target (updated after the step from identical weights) stays identical on every rank;
- the MoCo queue is filled with the gathered keys of the global batch, the same on every rank."""
import os
from typing import Any, List, Optional

import torch
import torch.distributed as dist
import torch.nn as nn

from .models import TfBatchNorm


class World:
    """This process's place among the run's processes; size 1 when started alone."""

    def __init__(self, rank: int = 0, size: int = 1, local_rank: int = 0, backend: Optional[str] = None,
                 device: torch.device = torch.device("cpu")):
        self.rank, self.size, self.local_rank, self.backend = rank, size, local_rank, backend
        #: where this rank's tensors live: NCCL's collectives take CUDA tensors only
        self.device = device

    @property
    def lead(self) -> bool:
        """Rank 0 writes the run directory, evaluates and saves checkpoints and embeddings."""
        return self.rank == 0

    @staticmethod
    def from_env(device: torch.device) -> "World":
        """Joins the process group named by the env:// variables; alone when WORLD_SIZE is unset or 1."""
        size = int(os.environ.get("WORLD_SIZE", "1"))
        if size <= 1:
            return World()
        missing = [v for v in ("RANK", "MASTER_ADDR", "MASTER_PORT") if not os.environ.get(v)]
        if missing:
            raise ValueError(f"WORLD_SIZE is {size} but {', '.join(missing)} is not set; start the engine with torchrun or `contrastive-lab train --processes N`, which set MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE and LOCAL_RANK")
        rank = int(os.environ["RANK"])
        local_rank = int(os.environ.get("LOCAL_RANK", str(rank)))
        backend = "nccl" if device.type == "cuda" else "gloo"
        if device.type == "cuda":
            torch.cuda.set_device(device)  # NCCL's object collectives (broadcast_object_list) use the current GPU
        dist.init_process_group(backend, init_method="env://", rank=rank, world_size=size)
        return World(rank, size, local_rank, backend, device)

    def close(self) -> None:
        if self.size > 1 and dist.is_initialized():
            dist.destroy_process_group()

    # ---- collectives (no-ops alone) ---------------------------------------------------------------
    def gather(self, t: torch.Tensor) -> torch.Tensor:
        """The rows of every rank in rank order; the local rows keep their graph (the others are constants)."""
        if self.size == 1:
            return t
        parts = [torch.empty_like(t) for _ in range(self.size)]
        dist.all_gather(parts, t.detach().contiguous())
        parts[self.rank] = t
        return torch.cat(parts)

    def any(self, flag: bool) -> bool:
        """True on every rank when it is true on one (a stop asked of any rank stops all at the same step)."""
        if self.size == 1:
            return flag
        t = torch.tensor([1 if flag else 0], dtype=torch.int64, device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return bool(t.item())

    def broadcast(self, value: Any) -> Any:
        """Rank 0's value (any picklable object) on every rank."""
        if self.size == 1:
            return value
        box: List[Any] = [value if self.lead else None]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def broadcast_buffers(self, module: nn.Module) -> None:
        """Rank 0's batch-norm statistics on every rank."""
        if self.size == 1:
            return
        for b in module.buffers():
            dist.broadcast(b, src=0)


def local_rows(batch: torch.Tensor, world: World) -> slice:
    """Rank r's rows of a global batch; refuses a batch the ranks cannot share equally."""
    n = batch.shape[0]
    if n % world.size != 0:
        raise ValueError(f"strategy.batchSize {n} is not divisible by run.processes {world.size}: each process takes an equal share of the global batch; choose a batch size that is a multiple of {world.size}")
    share = n // world.size
    return slice(world.rank * share, (world.rank + 1) * share)


class _AllReduceSum(torch.autograd.Function):
    """Sum over ranks; its gradient is the sum over ranks of the gradients (each rank's loss terms
    depend on the global statistics through its own rows)."""

    @staticmethod
    def forward(ctx, t: torch.Tensor) -> torch.Tensor:
        out = t.clone()
        dist.all_reduce(out)
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        out = grad.clone()
        dist.all_reduce(out)
        return out


class SyncTfBatchNorm(TfBatchNorm):
    """TfBatchNorm normalising with the mean and biased variance of the global batch (every rank's
    rows), so W processes normalise as one process with the whole batch does."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return super().forward(x)
        dims = [d for d in range(x.dim()) if d != 1]
        shape = [1, -1] + [1] * (x.dim() - 2)
        count = x.numel() // x.shape[1] * dist.get_world_size()
        sums = _AllReduceSum.apply(torch.stack([x.sum(dim=dims), (x * x).sum(dim=dims)]))
        mean = sums[0] / count
        var = torch.clamp(sums[1] / count - mean * mean, min=0.0)
        out = (x - mean.reshape(shape)) * torch.rsqrt(var + self.eps).reshape(shape) * self.weight.reshape(shape) + self.bias.reshape(shape)
        with torch.no_grad():
            decay = 1 - self.momentum
            self.running_mean.sub_((self.running_mean - mean) * decay)
            self.running_var.sub_((self.running_var - var) * decay)
        return out


def convert_sync_batchnorm(module: nn.Module) -> nn.Module:
    """Every TfBatchNorm of `module` becomes a SyncTfBatchNorm holding the same weights and statistics."""
    for name, child in module.named_children():
        if isinstance(child, TfBatchNorm) and not isinstance(child, SyncTfBatchNorm):
            synced = SyncTfBatchNorm(child.weight.shape[0], child.momentum, child.eps)
            synced.load_state_dict(child.state_dict())
            setattr(module, name, synced)
        else:
            convert_sync_batchnorm(child)
    return module


def resolve_device(requested: str, processes: int = 1, local_rank: int = 0) -> torch.device:
    """run.device: auto = cuda if available, else mps, else cpu; an unavailable device is an error naming
    the field. With several processes on CUDA each takes the GPU of its LOCAL_RANK (cuda:LOCAL_RANK),
    as torchrun's convention is; NCCL refuses two processes on one GPU, so that is an error here."""
    mps = getattr(torch.backends, "mps", None)
    has_mps = mps is not None and mps.is_available()
    cuda_count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if requested == "auto":
        requested = "cuda" if cuda_count > 0 else "mps" if has_mps else "cpu"
    if requested == "cpu":
        return torch.device("cpu")
    if requested.startswith("cuda"):
        if cuda_count == 0:
            raise ValueError(f"run.device is {requested} but this torch ({torch.__version__}) sees no CUDA GPU; use run.device: cpu (or auto), or install a CUDA build of torch on a machine with an NVIDIA GPU")
        if processes > 1:
            if ":" in requested:
                raise ValueError(f"run.device is {requested} with run.processes {processes}: every process would train on that one GPU, which NCCL refuses; use run.device: cuda (process i of a machine takes cuda:i)")
            if local_rank >= cuda_count:
                raise ValueError(f"run.processes {processes} on CUDA needs one GPU per process of a machine, but this machine's torch sees {cuda_count} (LOCAL_RANK {local_rank} has none); use at most {cuda_count} processes per machine, or run.device: cpu")
            return torch.device("cuda", local_rank)
        index = int(requested.split(":")[1]) if ":" in requested else 0
        if index >= cuda_count:
            raise ValueError(f"run.device is {requested} but torch sees {cuda_count} CUDA GPU(s) (cuda:0 … cuda:{cuda_count - 1})")
        return torch.device("cuda", index)
    if requested == "mps":
        if not has_mps:
            raise ValueError(f"run.device is mps but this torch ({torch.__version__}) has no usable MPS (Apple GPU) backend; use run.device: cpu (or auto)")
        if processes > 1:
            raise ValueError(f"run.device is mps with run.processes {processes}: PyTorch's distributed backends (gloo, NCCL) do not take MPS tensors; train one process on mps, or several on run.device: cpu")
        return torch.device("mps")
    raise ValueError(f"run.device {requested!r} is not one of auto, cpu, cuda, cuda:N, mps")
