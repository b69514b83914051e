"""The network of server/contrastive/models/: backbone (mlp | convnet | resnet) → representation layer (dense)
→ optional projection head → optional prediction head; L2 normalisation of what the loss sees
(projection, prediction) when architecture.normalizeOutput is set, the representation stays raw.

Matching the tfjs layers: dense kernels He-normal std √(2/fan-in) (server/trainer/seededInit.ts),
biases 0; a dense/conv followed by batch norm has no bias; batch norm as tf.layers.batchNormalization
(momentum 0.9, epsilon 1e-5, BIASED batch variance for the moving average, γ=1, β=0, moving mean 0,
moving variance 1); convnet stages conv('same') → [bn] → act → 2×2 max-pool while the map is ≥ 2;
resnet: stem and basic residual blocks with TensorFlow's 'same' padding (also at stride 2), global average pool;
heads: dense → [bn] → act between layers, the last layer linear (with bias)."""
import math
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from .fastmm import matmul_nt

ACTIVATIONS = {
    "relu": nn.ReLU,
    "gelu": nn.GELU,  # exact (erf) form, as tfjs-layers' gelu
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "swish": nn.SiLU,
}


class TfBatchNorm(nn.Module):
    """tf.layers.batchNormalization: normalise with the batch's biased variance in training and
    move the statistics by moving ← moving − (moving − batch)·(1 − momentum)."""

    def __init__(self, features: int, momentum: float = 0.9, eps: float = 1e-5):
        super().__init__()
        self.momentum = momentum
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(features))
        self.bias = nn.Parameter(torch.zeros(features))
        self.register_buffer("running_mean", torch.zeros(features))
        self.register_buffer("running_var", torch.ones(features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
        # torch's fused kernel normalises with the biased batch variance (as tfjs) and returns the
        # batch mean and 1/sqrt(var + eps); the moving averages are updated here with the biased
        # variance (torch's own running_var would take the unbiased one).
        out, mean, invstd = torch.native_batch_norm(x, self.weight, self.bias, None, None, True, 0.0, self.eps)
        with torch.no_grad():
            var = invstd.pow(-2) - self.eps
            decay = 1 - self.momentum
            self.running_mean.sub_((self.running_mean - mean) * decay)
            self.running_var.sub_((self.running_var - var) * decay)
        return out


def he_normal_(weight: torch.Tensor, fan_in: int) -> None:
    with torch.no_grad():
        weight.normal_(0.0, math.sqrt(2.0 / fan_in))


class Dense(nn.Linear):
    """nn.Linear through fastmm (the faster of the BLAS matmul and a 1×1 convolution on this machine)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return matmul_nt(x, self.weight, self.bias)


def dense(inputs: int, units: int, bias: bool = True) -> nn.Linear:
    layer = Dense(inputs, units, bias=bias)
    he_normal_(layer.weight, inputs)
    if bias:
        nn.init.zeros_(layer.bias)
    return layer


def mlp_backbone(spec: dict, input_shape) -> (nn.Module, int):
    layers = [nn.Flatten()] if len(input_shape) > 1 else []
    width = int(math.prod(input_shape))
    for units in spec["layers"]:
        layers.append(dense(width, units, bias=not spec["batchNorm"]))
        if spec["batchNorm"]:
            layers.append(TfBatchNorm(units))
        layers.append(ACTIVATIONS[spec["activation"]]())
        if spec["dropout"] > 0:
            layers.append(nn.Dropout(spec["dropout"]))
        width = units
    return nn.Sequential(*layers), width


def convnet_backbone(spec: dict, input_shape) -> (nn.Module, int):
    """input_shape is the exported [H, W, C]; the module takes [N, C, H, W]."""
    h, w, c = input_shape
    layers = []
    k = spec["kernelSize"]
    for channels in spec["channels"]:
        conv = nn.Conv2d(c, channels, k, stride=1, padding="same", bias=not spec["batchNorm"])
        he_normal_(conv.weight, k * k * c)
        if conv.bias is not None:
            nn.init.zeros_(conv.bias)
        layers.append(conv)
        if spec["batchNorm"]:
            layers.append(TfBatchNorm(channels))
        layers.append(ACTIVATIONS[spec["activation"]]())
        if h >= 2 and w >= 2:
            layers.append(nn.MaxPool2d(2, 2))
            h, w = h // 2, w // 2
        c = channels
    layers.append(nn.Flatten())
    return nn.Sequential(*layers), h * w * c


class TfSameConv2d(nn.Conv2d):
    """A bias-free convolution with TensorFlow's 'same' padding at any stride: the output is
    ceil(input / stride), and an odd total padding puts the extra row/column after (bottom/right),
    as tf.layers.conv2d does (torch's padding="same" refuses strides above 1)."""

    def __init__(self, inputs: int, channels: int, kernel: int, stride: int):
        super().__init__(inputs, channels, kernel, stride=stride, padding=0, bias=False)
        he_normal_(self.weight, kernel * kernel * inputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []
        for size in (x.shape[3], x.shape[2]):  # F.pad takes the last dimension first
            k, s = self.kernel_size[0], self.stride[0]
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return super().forward(F.pad(x, pads) if any(pads) else x)


class ResidualBlock(nn.Module):
    """resnet.ts block: conv-bn-act-conv-bn plus the shortcut (a 1×1 conv + bn when the stride or
    the channels change), then the activation."""

    def __init__(self, inputs: int, channels: int, stride: int, activation: str):
        super().__init__()
        self.body = nn.Sequential(TfSameConv2d(inputs, channels, 3, stride), TfBatchNorm(channels), ACTIVATIONS[activation](),
                                  TfSameConv2d(channels, channels, 3, 1), TfBatchNorm(channels))
        self.shortcut = nn.Sequential(TfSameConv2d(inputs, channels, 1, stride), TfBatchNorm(channels)) if stride != 1 or inputs != channels else nn.Identity()
        self.out = ACTIVATIONS[activation]()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.body(x) + self.shortcut(x))


def resnet_backbone(spec: dict, input_shape) -> (nn.Module, int):
    """resnet.ts: a 3×3 stem (conv-bn-act), then per stage `blocksPerStage` residual blocks, the first
    block of every stage after the first with stride 2 (while the map is ≥ 2 high), then global
    average pooling. input_shape is the exported [H, W, C]; the module takes [N, C, H, W]."""
    h, _w, c = input_shape
    channels = spec["channels"]
    first = channels[0] if channels else 16
    layers = [TfSameConv2d(c, first, 3, 1), TfBatchNorm(first), ACTIVATIONS[spec["activation"]]()]
    width = first
    for stage, stage_channels in enumerate(channels):
        for b in range(spec["blocksPerStage"]):
            stride = 2 if stage > 0 and b == 0 and h >= 2 else 1
            layers.append(ResidualBlock(width, stage_channels, stride, spec["activation"]))
            h = math.ceil(h / stride)
            width = stage_channels
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers), width


def head(spec: dict, inputs: int) -> nn.Sequential:
    layers = []
    width = inputs
    for i, units in enumerate(spec["layers"]):
        last = i == len(spec["layers"]) - 1
        layers.append(dense(width, units, bias=last or not spec["batchNorm"]))
        if not last:
            if spec["batchNorm"]:
                layers.append(TfBatchNorm(units))
            layers.append(ACTIVATIONS[spec["activation"]]())
        width = units
    return nn.Sequential(*layers)


def l2_normalize(x: torch.Tensor) -> torch.Tensor:
    """contrastiveModel.ts l2Normalize: x · rsqrt(max(Σx², 1e-24))."""
    return x * torch.rsqrt(torch.clamp((x * x).sum(dim=1, keepdim=True), min=1e-24))


class ContrastiveModel(nn.Module):
    def __init__(self, arch: dict, input_shape):
        super().__init__()
        self.arch = arch
        backbone = arch["backbone"]
        if backbone["type"] == "mlp":
            self.backbone, width = mlp_backbone(backbone, input_shape)
        elif backbone["type"] == "convnet":
            self.backbone, width = convnet_backbone(backbone, input_shape)
        elif backbone["type"] == "resnet":
            self.backbone, width = resnet_backbone(backbone, input_shape)
        else:
            raise ValueError(f"backbone {backbone['type']}")
        self.representation = dense(width, arch["representationSize"])
        width = arch["representationSize"]
        self.projection: Optional[nn.Module] = None
        self.prediction: Optional[nn.Module] = None
        if arch["projection"] is not None:
            self.projection = head(arch["projection"], width)
            width = arch["projection"]["layers"][-1]
        if arch["prediction"] is not None:
            self.prediction = head(arch["prediction"], width)
        self.projection_size = width

    def forward(self, x: torch.Tensor) -> Dict[str, Optional[torch.Tensor]]:
        representation = self.representation(self.backbone(x))
        projection = self.projection(representation) if self.projection is not None else representation
        prediction = self.prediction(projection) if self.prediction is not None else None
        if self.arch["normalizeOutput"]:
            projection = l2_normalize(projection)
            if prediction is not None:
                prediction = l2_normalize(prediction)
        return {"representation": representation, "projection": projection, "prediction": prediction}
