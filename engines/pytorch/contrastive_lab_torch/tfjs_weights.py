"""The weights of a ContrastiveModel (models.py) as the tfjs layers model of server/contrastive/models
names and lays them out, for `export --format tfjs` of a PyTorch run:

- dense: tfjs `<layer>/kernel` is [in, out] (torch [out, in], transposed), `<layer>/bias`;
- conv: tfjs `<layer>/kernel` is [kh, kw, in, out] (torch [out, in, kh, kw]), `<layer>/bias`;
- batch norm: `<layer>/gamma`, `beta`, `moving_mean`, `moving_variance` (torch weight, bias,
  running_mean, running_var: TfBatchNorm keeps the same biased moving variance as tfjs);
- a dense layer right after a flattened feature map: torch flattens [C, H, W], tfjs [H, W, C], so the
  kernel's input rows are reordered.

Layer names follow backbones/{mlp,convnet,resnet}.ts, head.ts and contrastiveModel.ts. A module this
walk does not know is an error naming its place in the network (say, `backbone.3`), never a silent skip."""
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import torch
import torch.nn as nn

from .models import ACTIVATIONS, Dense, ResidualBlock, TfBatchNorm

Weights = Iterator[Tuple[str, torch.Tensor]]
_ACTIVATION_TYPES = tuple(ACTIVATIONS.values())


class Unmappable(ValueError):
    """A part of the network with no tfjs counterpart (the message names where it is)."""


def _dense(name: str, layer: nn.Linear, flattened: Optional[Tuple[int, int, int]] = None) -> Weights:
    w = layer.weight.detach()
    if flattened is not None:
        c, h, wd = flattened
        kernel = w.reshape(w.shape[0], c, h, wd).permute(2, 3, 1, 0).reshape(h * wd * c, w.shape[0])
    else:
        kernel = w.t()
    yield f"{name}/kernel", kernel
    if layer.bias is not None:
        yield f"{name}/bias", layer.bias.detach()


def _conv(name: str, layer: nn.Conv2d) -> Weights:
    yield f"{name}/kernel", layer.weight.detach().permute(2, 3, 1, 0)
    if layer.bias is not None:
        yield f"{name}/bias", layer.bias.detach()


def _batch_norm(name: str, layer: nn.Module, where: str) -> Weights:
    if not isinstance(layer, TfBatchNorm):
        raise Unmappable(f"{where}: {type(layer).__name__} is not the engine's TfBatchNorm; only that batch norm maps to tfjs' batchNormalization")
    yield f"{name}/gamma", layer.weight.detach()
    yield f"{name}/beta", layer.bias.detach()
    yield f"{name}/moving_mean", layer.running_mean.detach()
    yield f"{name}/moving_variance", layer.running_var.detach()


def _flatten_inputs(model: nn.Module, input_shape: List[int]) -> Dict[int, Tuple[int, int, int]]:
    """id(Flatten module) → the [C, H, W] map it flattens (a forward pass of one zero sample records them)."""
    seen: Dict[int, Tuple[int, int, int]] = {}
    hooks = []
    for module in model.modules():
        if isinstance(module, nn.Flatten):
            hooks.append(module.register_forward_hook(lambda m, inputs, _out: seen.__setitem__(id(m), tuple(inputs[0].shape[1:])) if inputs[0].dim() == 4 else None))
    shape = [input_shape[2], input_shape[0], input_shape[1]] if len(input_shape) == 3 else list(input_shape)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros([1] + shape))
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    return seen


def _sequential(prefix: str, modules: nn.Sequential, where: str, names: Dict[str, str], flattens: Dict[int, Tuple[int, int, int]]) -> Tuple[List[Tuple[str, torch.Tensor]], Optional[Tuple[int, int, int]]]:
    """A plain stack (mlp / convnet backbone, a head): dense or conv n, then its batch norm n. `names`
    gives the tfjs layer kind names ({"dense": "dense"} or {"conv": "conv"}). Returns the weights and
    the flattened map left for the next dense layer (the convnet's last Flatten)."""
    out: List[Tuple[str, torch.Tensor]] = []
    n = 0
    pending: Optional[Tuple[int, int, int]] = None
    for i, module in enumerate(modules):
        here = f"{where}.{i}"
        if isinstance(module, nn.Flatten):
            pending = flattens.get(id(module))
        elif isinstance(module, Dense):
            n += 1
            out += _dense(f"{prefix}_{names['dense']}_{n}", module, pending)
            pending = None
        elif isinstance(module, nn.Conv2d) and "conv" in names:
            n += 1
            out += _conv(f"{prefix}_{names['conv']}_{n}", module)
        elif isinstance(module, (TfBatchNorm, nn.modules.batchnorm._NormBase)):
            out += _batch_norm(f"{prefix}_bn_{n}", module, here)
        elif isinstance(module, _ACTIVATION_TYPES + (nn.Dropout, nn.MaxPool2d)):
            continue  # no weights
        else:
            raise Unmappable(f"{here}: {type(module).__name__} has no counterpart in the tfjs model of this architecture")
    return out, pending


def _resnet(backbone: nn.Sequential, blocks_per_stage: int) -> Weights:
    """resnet.ts names: backbone_stem_conv/bn, then backbone_stage<s>_block<b>_{conv_a,bn_a,conv_b,bn_b,shortcut_conv,shortcut_bn}."""
    block_index = 0
    for i, module in enumerate(backbone):
        where = f"backbone.{i}"
        if i == 0:
            yield from _conv("backbone_stem_conv", module)
        elif i == 1:
            yield from _batch_norm("backbone_stem_bn", module, where)
        elif isinstance(module, ResidualBlock):
            name = f"backbone_stage{block_index // blocks_per_stage + 1}_block{block_index % blocks_per_stage + 1}"
            block_index += 1
            body = module.body
            yield from _conv(f"{name}_conv_a", body[0])
            yield from _batch_norm(f"{name}_bn_a", body[1], f"{where}.body.1")
            yield from _conv(f"{name}_conv_b", body[3])
            yield from _batch_norm(f"{name}_bn_b", body[4], f"{where}.body.4")
            if isinstance(module.shortcut, nn.Sequential):
                yield from _conv(f"{name}_shortcut_conv", module.shortcut[0])
                yield from _batch_norm(f"{name}_shortcut_bn", module.shortcut[1], f"{where}.shortcut.1")
        elif isinstance(module, _ACTIVATION_TYPES + (nn.AdaptiveAvgPool2d, nn.Flatten)):
            continue
        else:
            raise Unmappable(f"{where}: {type(module).__name__} has no counterpart in the tfjs resnet")


def tfjs_weights(model: nn.Module, input_shape: List[int]) -> List[Tuple[str, torch.Tensor]]:
    """(tfjs weight name, value in tfjs layout) for every weight of the network, in network order."""
    arch = model.arch
    kind = arch["backbone"]["type"]
    flattens = _flatten_inputs(model, input_shape)
    if kind == "mlp":
        out, pending = _sequential("backbone", model.backbone, "backbone", {"dense": "dense"}, flattens)
    elif kind == "convnet":
        out, pending = _sequential("backbone", model.backbone, "backbone", {"conv": "conv", "dense": "dense"}, flattens)
    elif kind == "resnet":
        out, pending = list(_resnet(model.backbone, int(arch["backbone"]["blocksPerStage"]))), None
    else:
        raise Unmappable(f"architecture.backbone.type {kind!r} has no tfjs counterpart in this exporter")
    out += _dense("representation", model.representation, pending)
    for head_name in ("projection", "prediction"):
        head = getattr(model, head_name)
        if head is not None:
            out += _sequential(head_name, head, head_name, {"dense": "dense"}, flattens)[0]
    return out


def tfjs_writable(model: nn.Module, input_shape: List[int]) -> List[Tuple[str, str, Callable[[torch.Tensor], None], List[int]]]:
    """The inverse of tfjs_weights, for loading a tfjs run's weights (init.from, finetune.py): for every
    tfjs weight, (its name, the init part of the torch tensor it comes from, put(value in tfjs layout)
    writing it into that tensor, its tfjs shape). Found by laying out index tensors: every floating
    tensor of the network briefly holds the positions of its own entries (one running count over
    the network, exact in float32 up to 2^24 entries), so each tfjs weight says where its entries live."""
    state = model.state_dict()  # detached, sharing storage with the parameters and buffers
    floating = [(n, t) for n, t in state.items() if t.is_floating_point()]
    total = sum(t.numel() for _, t in floating)
    if total > 2 ** 24:
        raise Unmappable(f"the network has {total} weights, more than the {2 ** 24} this mapping of tfjs weights can place; load such a network from a PyTorch run")
    saved = [t.clone() for _, t in floating]
    starts = []
    try:
        with torch.no_grad():
            offset = 0
            for _, t in floating:
                t.copy_(torch.arange(offset, offset + t.numel(), dtype=torch.float64).reshape(t.shape))
                starts.append(offset)
                offset += t.numel()
        laid = [(name, value.detach().clone()) for name, value in tfjs_weights(model, input_shape)]
    finally:
        with torch.no_grad():
            for (_, t), value in zip(floating, saved):
                t.copy_(value)
    out = []
    for name, positions in laid:
        flat = positions.reshape(-1).to(torch.long)
        which = max(i for i, s in enumerate(starts) if s <= int(flat[0]))
        torch_name, target = floating[which]
        index = flat - starts[which]

        def put(value: torch.Tensor, _target=target, _index=index) -> None:
            _target.view(-1)[_index] = value.reshape(-1).to(_target.dtype)

        part = torch_name.split(".", 1)[0]
        out.append((name, part if part in ("representation", "projection", "prediction") else "backbone", put, list(positions.shape)))
    return out
