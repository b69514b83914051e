"""A stand-in for a GPU on a CPU-only torch, for tests. The run is placed on torch's `meta` device
(tensors with a shape, a dtype and a device but no data), and a TorchDispatchMode computes every
operation on CPU "shadows" that hold the meta tensors' values, so training, evaluation and
checkpoints run to the end with real numbers while every tensor the engine places reports
`device='meta'`. As on CUDA, an operation that mixes a device tensor with a CPU tensor of rank ≥ 1
fails ("Expected all tensors to be on the same device"); a 0-dim CPU tensor mixes, CPU index tensors
index, copies and .to() cross devices. So a tensor the engine forgot to place fails the run where a
GPU would, and reading a device tensor without .cpu() (numpy) fails as well.

Shadows are kept per meta storage (the StorageImpl's address): a meta view shares its base's
storage, so its value is the shadow seen through the view's sizes, strides and offset, and an
in-place operation on a view updates the base, as on a real device."""
import contextlib
from typing import Dict

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten, tree_map

META = torch.device("meta")
#: operations CUDA runs with CPU tensors among device tensors
CROSS_DEVICE = {"aten::index.Tensor", "aten::index_put_", "aten::index_put", "aten::_index_put_impl_", "aten::copy_", "aten::_to_copy"}


def _key(t: torch.Tensor) -> int:
    return t.storage()._cdata


def _span(t: torch.Tensor) -> int:
    """Elements of storage the tensor reaches from offset 0."""
    if t.numel() == 0:
        return t.storage_offset()
    return t.storage_offset() + 1 + sum((s - 1) * st for s, st in zip(t.shape, t.stride()))


class ShadowDevice(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.shadows: Dict[int, torch.Tensor] = {}

    def _value(self, t):
        """A meta tensor's values (a CPU view of its storage's shadow); anything else as is."""
        if not isinstance(t, torch.Tensor) or not t.is_meta:
            return t
        base = self.shadows.get(_key(t))
        if base is None or base.dtype != t.dtype or base.numel() < _span(t):
            raise RuntimeError(f"shadow device: a meta tensor {tuple(t.shape)} {t.dtype} has no values (it was made below the dispatcher, outside the shadow device)")
        return base.as_strided(t.shape, t.stride(), t.storage_offset())

    def _adopt(self, real: torch.Tensor) -> torch.Tensor:
        """A new meta tensor laid out as `real`, its shadow holding real's values."""
        meta = torch.empty_strided(real.shape, real.stride(), dtype=real.dtype, device=META)
        base = torch.empty(_span(meta), dtype=real.dtype)
        base.as_strided(meta.shape, meta.stride(), meta.storage_offset()).copy_(real)
        self.shadows[_key(meta)] = base
        return meta

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        flat, _ = tree_flatten((args, kwargs))
        tensors = [t for t in flat if isinstance(t, torch.Tensor)]
        metas = [t for t in tensors if t.is_meta]
        device = kwargs.get("device")
        device = torch.device(device) if device is not None else None
        if not metas and (device is None or device.type != "meta"):
            return func(*args, **kwargs)
        name = func._schema.name
        overload = f"{name}.{func._overloadname}" if func._overloadname != "default" else name
        if name not in CROSS_DEVICE and overload not in CROSS_DEVICE:
            stray = [t for t in tensors if not t.is_meta and t.dim() > 0]
            if stray:
                raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, meta (the stand-in GPU) and {stray[0].device}! "
                                   f"({overload} got a CPU tensor of shape {tuple(stray[0].shape)} among device tensors)")
        real_args, real_kwargs = tree_map(self._value, (args, kwargs))
        if device is not None and device.type == "meta":
            real_kwargs["device"] = torch.device("cpu")
        out = func(*real_args, **real_kwargs)
        returns = func._schema.returns
        if not isinstance(out, (torch.Tensor, tuple, list)) or not returns:
            return out  # a Python number (item(), is_nonzero) or nothing
        to_meta = device.type == "meta" if device is not None else bool(metas)
        alias = returns[0].alias_info
        if alias is not None and alias.is_write:
            # in place (or out=): the values changed through the shadow; the tensor is the written argument
            return kwargs["out"] if "out" in kwargs else args[0]
        if alias is not None:
            return func(*args, **kwargs)  # a view: the same view of the meta tensor shares its storage's shadow
        if not to_meta:
            return out  # .cpu() / .to("cpu"): the values themselves
        return tree_map(lambda r: self._adopt(r) if isinstance(r, torch.Tensor) else r, out)


class _BuiltThroughCopy(TorchFunctionMode):
    """torch.tensor / torch.as_tensor with a device build the tensor below the dispatcher, where
    ShadowDevice cannot see the values: here they are built on the CPU and copied to the device."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func in (torch.tensor, torch.as_tensor) and kwargs.get("device") is not None and torch.device(kwargs["device"]).type == "meta":
            device = kwargs.pop("device")
            return func(*args, **kwargs).to(device)
        return func(*args, **kwargs)


@contextlib.contextmanager
def shadow_device():
    """The stand-in GPU: tensors placed on META compute on CPU shadows while the block runs."""
    with _BuiltThroughCopy(), ShadowDevice():
        yield
