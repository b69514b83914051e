"""The augmentation ops of server/contrastive/augment/, batched on tensors with the same parameter
meanings. Images are [N, C, H, W] here (the TypeScript side is [N, H, W, C]); vectors [N, D].
Per-sample parameters come from a Python random.Random (like the TypeScript Random: one
bernoulli(probability) per sample, then the op's draws), tensor noise from a torch.Generator
seeded from it. The images may live on any device: every draw is made on the CPU (so a seed gives
the same views on every device) and moved to the images' device, where the ops run. Geometric ops resample with bilinear interpolation on pixel centres and 0 outside
the image (tf.image.transform 'constant' fill / cropAndResize), i.e. grid_sample with
align_corners=True and zero padding.

Several processes (distributed.py) share a global batch: each op draws the parameters of every
sample of the global batch (`Rows.total`, in batch order, so the stream is one process's) and
transforms only the rank's own rows (`Rows.rows`) — the costly tensor work is divided among the
processes, and every sample gets the view it gets on one process.
"""
import math
import random
from typing import Callable, List, NamedTuple, Optional

import torch
import torch.nn.functional as F


class Rows(NamedTuple):
    """The global batch's size and the rows of it the images given to an op are."""
    total: int
    rows: slice


Pipeline = Callable[..., torch.Tensor]


def _generator(rng: random.Random) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(rng.getrandbits(63))
    return g


def _column(values, x: torch.Tensor) -> torch.Tensor:
    """Per-sample values as [N, 1, ...] broadcastable against x, on x's device."""
    return torch.tensor(values, dtype=x.dtype).reshape([len(values)] + [1] * (x.dim() - 1)).to(x.device)


def resample(x: torch.Tensor, maps: torch.Tensor) -> torch.Tensor:
    """Output pixel (col, row) of image i samples input pixel maps[i] @ (col, row, 1) (pixel
    coordinates, [N, 2, 3]: first row → input column, second → input row); bilinear, 0 outside."""
    n, _, h, w = x.shape
    ys, xs = torch.meshgrid(torch.arange(h, dtype=x.dtype, device=x.device), torch.arange(w, dtype=x.dtype, device=x.device), indexing="ij")
    ones = torch.ones_like(xs)
    base = torch.stack([xs, ys, ones], dim=-1).reshape(1, h * w, 3)  # [1, HW, 3]
    coords = base @ maps.to(x.device).transpose(1, 2)  # [N, HW, 2] in pixels (col, row)
    gx = coords[..., 0] * (2.0 / max(w - 1, 1)) - 1.0
    gy = coords[..., 1] * (2.0 / max(h - 1, 1)) - 1.0
    grid = torch.stack([gx, gy], dim=-1).reshape(n, h, w, 2)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True)


def affine(x, op, rng, sel: Rows):
    """Rotation in [−degrees, degrees], translation up to translate × size, isotropic scale, about the
    centre (affine.ts inverseAffineMatrix)."""
    _, _, h, w = x.shape
    maps = []
    cx, cy = (w - 1) / 2, (h - 1) / 2
    for _ in range(sel.total):
        if not rng.random() < op["probability"]:
            maps.append([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
            continue
        angle = rng.uniform(-op["degrees"], op["degrees"]) * math.pi / 180
        shift_x = rng.uniform(-op["translate"], op["translate"]) * w
        shift_y = rng.uniform(-op["translate"], op["translate"]) * h
        scale = rng.uniform(op["scale"][0], op["scale"][1])
        cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
        ox, oy = cx + shift_x, cy + shift_y
        maps.append([[cos, sin, cx - cos * ox - sin * oy], [-sin, cos, cy + sin * ox - cos * oy]])
    return resample(x, torch.tensor(maps[sel.rows], dtype=x.dtype))


def _crop_rect(height, width, scale, ratio, rng):
    """torchvision's rule (randomResizedCrop.ts sampleCropRect): ten tries, else a centre crop."""
    area = height * width
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(10):
        target = area * rng.uniform(scale[0], scale[1])
        aspect = math.exp(rng.uniform(log_ratio[0], log_ratio[1]))
        w = int(math.floor(math.sqrt(target * aspect) + 0.5))
        h = int(math.floor(math.sqrt(target / aspect) + 0.5))
        if 0 < w <= width and 0 < h <= height:
            return rng.randrange(height - h + 1), rng.randrange(width - w + 1), h, w
    in_ratio = width / height
    w, h = width, height
    if in_ratio < min(ratio):
        h = int(math.floor(w / min(ratio) + 0.5))
    elif in_ratio > max(ratio):
        w = int(math.floor(h * max(ratio) + 0.5))
    return (height - h) // 2, (width - w) // 2, h, w


def random_resized_crop(x, op, rng, sel: Rows):
    """A crop of area fraction in `scale`, aspect log-uniform in `ratio`, resized back bilinearly
    (cropAndResize: the crop's first and last pixel centres map to the output's)."""
    _, _, h, w = x.shape
    maps = []
    for _ in range(sel.total):
        top, left, ch, cw = _crop_rect(h, w, op["scale"], op["ratio"], rng) if rng.random() < op["probability"] else (0, 0, h, w)
        sx = (cw - 1) / (w - 1) if w > 1 else 0.0
        sy = (ch - 1) / (h - 1) if h > 1 else 0.0
        maps.append([[sx, 0.0, float(left)], [0.0, sy, float(top)]])
    return resample(x, torch.tensor(maps[sel.rows], dtype=x.dtype))


def flip(x, op, rng, sel: Rows):
    flip_h, flip_v = [], []
    for _ in range(sel.total):
        flip_h.append(bool(op["horizontal"]) and rng.random() < op["probability"])
        flip_v.append(bool(op["vertical"]) and rng.random() < op["probability"])
    out = x.clone()
    mh, mv = torch.tensor(flip_h[sel.rows], device=x.device), torch.tensor(flip_v[sel.rows], device=x.device)
    if mh.any():
        out[mh] = out[mh].flip(-1)
    if mv.any():
        out[mv] = out[mv].flip(-2)
    return out


def brightness(x, op, rng, sel: Rows):
    offsets = [rng.uniform(-op["delta"], op["delta"]) if rng.random() < op["probability"] else 0.0 for _ in range(sel.total)]
    return x + _column(offsets[sel.rows], x)


def contrast(x, op, rng, sel: Rows):
    factors = [rng.uniform(op["range"][0], op["range"][1]) - 1 if rng.random() < op["probability"] else 0.0 for _ in range(sel.total)]
    mean = x.mean(dim=(2, 3), keepdim=True)
    return x + (x - mean) * _column(factors[sel.rows], x)


LUMA_WEIGHTS = (0.299, 0.587, 0.114)


def grayscale(x, op, rng, sel: Rows):
    """Chosen RGB images become their luminance on every channel; other channel counts pass unchanged."""
    chosen = [1.0 if rng.random() < op["probability"] else 0.0 for _ in range(sel.total)]
    if x.shape[1] != 3:
        return x.clone()
    w = torch.tensor(LUMA_WEIGHTS, dtype=x.dtype, device=x.device).reshape(1, 3, 1, 1)
    grey = (x * w).sum(dim=1, keepdim=True).expand_as(x)
    return x + (grey - x) * _column(chosen[sel.rows], x)


def hue_rotation(angle: float) -> torch.Tensor:
    """Rotation about the grey axis (1,1,1)/sqrt(3) by `angle` radians (Rodrigues), acting on column vectors."""
    c, s = math.cos(angle), math.sin(angle) / math.sqrt(3)
    t = (1 - c) / 3
    return torch.tensor([[c + t, t - s, t + s], [t + s, c + t, t - s], [t - s, t + s, c + t]])


def hue(x, op, rng, sel: Rows):
    """Chosen RGB images rotated about the grey axis by an angle uniform in +-delta * 360 degrees."""
    angles = [rng.uniform(-op["delta"], op["delta"]) * 2 * math.pi if rng.random() < op["probability"] else 0.0 for _ in range(sel.total)]
    if x.shape[1] != 3:
        return x.clone()
    r = torch.stack([hue_rotation(a) for a in angles[sel.rows]]).to(x.device, x.dtype)  # [N, 3, 3]
    return torch.einsum("ncj,nchw->njhw", r.transpose(1, 2), x)


def _noise(x, op, rng, sel: Rows):
    chosen = [1.0 if rng.random() < op["probability"] else 0.0 for _ in range(sel.total)]
    # drawn for the whole global batch (the stream one process draws), kept for the own rows
    noise = torch.randn((sel.total,) + tuple(x.shape[1:]), generator=_generator(rng), dtype=x.dtype)[sel.rows].to(x.device) * op["std"]
    return x + noise * _column(chosen[sel.rows], x)


def gaussian_kernel_1d(size: int, sigma: float) -> torch.Tensor:
    radius = (size - 1) // 2
    if sigma <= 0:
        k = torch.zeros(size)
        k[radius] = 1.0
        return k
    t = torch.arange(size, dtype=torch.float64) - radius
    k = torch.exp(-(t ** 2) / (2 * sigma * sigma))
    return (k / k.sum()).float()


def gaussian_blur(x, op, rng, sel: Rows):
    """Per-image sigma uniform in `sigma`, separable kernel (largest odd size that fits), reflect padding."""
    n, c, h, w = x.shape
    size_wanted = int(op["kernelSize"])
    if size_wanted < 1 or size_wanted % 2 == 0:
        raise ValueError(f"gaussianBlur.kernelSize must be an odd positive integer, got {size_wanted}")
    radius = min((size_wanted - 1) // 2, min(h, w) - 1)
    size = 2 * radius + 1
    sigmas = [rng.uniform(op["sigma"][0], op["sigma"][1]) if rng.random() < op["probability"] else 0.0 for _ in range(sel.total)]
    k = torch.stack([gaussian_kernel_1d(size, sigma) for sigma in sigmas[sel.rows]]).to(x.device, x.dtype).repeat_interleave(c, dim=0)  # [N*C, size]
    folded = x.reshape(1, n * c, h, w)
    if radius > 0:
        folded = F.pad(folded, (radius, radius, radius, radius), mode="reflect")
    out = F.conv2d(folded, k.reshape(n * c, 1, size, 1), groups=n * c)
    out = F.conv2d(out, k.reshape(n * c, 1, 1, size), groups=n * c)
    return out.reshape(n, c, h, w)


def cutout(x, op, rng, sel: Rows):
    """`count` squares of side `size` per chosen image set to 0; centres uniform, clipped at the border."""
    _, _, h, w = x.shape
    count = max(0, int(math.floor(op["count"])))
    if count == 0:
        return x.clone()
    sh = min(h, max(1, int(math.floor(op["size"] + 0.5))))
    sw = min(w, max(1, int(math.floor(op["size"] + 0.5))))
    keep = torch.ones(sel.total, 1, h, w, dtype=x.dtype)
    for i in range(sel.total):
        if not rng.random() < op["probability"]:
            continue
        for _ in range(count):
            cy, cx = rng.randrange(h), rng.randrange(w)
            r0, c0 = max(0, cy - sh // 2), max(0, cx - sw // 2)
            r1, c1 = min(h, cy - sh // 2 + sh), min(w, cx - sw // 2 + sw)
            keep[i, :, r0:r1, c0:c1] = 0
    return x * keep[sel.rows].to(x.device)  # built on the CPU: one copy, not a kernel launch per square


def feature_mask(x, op, rng, sel: Rows):
    chosen = [1.0 if rng.random() < op["probability"] else 0.0 for _ in range(sel.total)]
    dropped = (torch.rand((sel.total,) + tuple(x.shape[1:]), generator=_generator(rng), dtype=x.dtype)[sel.rows] < op["fraction"]).to(x.device, x.dtype)
    return x * (1 - dropped * _column(chosen[sel.rows], x))


OPS = {
    "affine": affine,
    "randomResizedCrop": random_resized_crop,
    "flip": flip,
    "brightness": brightness,
    "contrast": contrast,
    "hue": hue,
    "grayscale": grayscale,
    "gaussianNoise": _noise,
    "featureNoise": _noise,
    "gaussianBlur": gaussian_blur,
    "cutout": cutout,
    "featureMask": feature_mask,
}


def build_pipeline(ops: List[dict]) -> Pipeline:
    """The ops applied in order; returns a new tensor (also for an empty list). run(x, rng) augments
    the batch x; run(x, rng, Rows(total, rows)) the rows `rows` of a batch of `total` samples, x being
    those rows alone: the same views as those rows of run(whole batch, rng)."""
    steps = [(op, OPS[op["type"]]) for op in ops]

    def run(x: torch.Tensor, rng: random.Random, sel: Optional[Rows] = None) -> torch.Tensor:
        sel = sel or Rows(x.shape[0], slice(0, x.shape[0]))
        out = x
        for op, fn in steps:
            out = fn(out, op, rng, sel)
        return out.clone() if out is x else out

    return run


def step_rng(seed: int, *names) -> random.Random:
    """A generator named by (seed, names...), like derivedRandom: a step's views do not depend on earlier steps."""
    return random.Random("/".join(str(p) for p in (seed,) + names))
