"""Photometric corruptions for robust fine-tuning, and the held-out robustness check used to select.

Two disjoint sets, so that selection does not reward what training saw:
- TRAIN_CORRUPTIONS augment training crops: sensor noise (Gaussian, shot), blur (Gaussian, motion),
  brightness, contrast, JPEG, fog, dusk (gamma + warm tint), lens smear (a blurred, washed-out blob,
  as water or dirt on the lens).
- HELD_OUT corruptions (impulse noise, defocus blur, pixelate) score checkpoints on val at severity 3.
Severity constants follow imagecorruptions (Hendrycks & Dietterich 2019, bethgelab/imagecorruptions)
where a corruption exists there; dusk and lens smear are this project's own. Images are float
[3, H, W] tensors on 0..255; every random draw comes from the generator passed in (reproducible).
"""
import io
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image


def _u(gen):
    return torch.rand(1, generator=gen).item()


def _gauss_kernel(sigma):
    r = max(1, int(math.ceil(3 * sigma)))
    t = torch.arange(-r, r + 1, dtype=torch.float32)
    k = torch.exp(-t * t / (2 * sigma * sigma))
    return k / k.sum()


def gaussian_blur(x, sigma):
    k = _gauss_kernel(sigma)
    r = k.numel() // 2
    y = F.pad(x[None], (r, r, 0, 0), mode="replicate")
    y = F.conv2d(y, k.view(1, 1, 1, -1).repeat(3, 1, 1, 1), groups=3)
    y = F.pad(y, (0, 0, r, r), mode="replicate")
    return F.conv2d(y, k.view(1, 1, -1, 1).repeat(3, 1, 1, 1), groups=3)[0]


def gaussian_noise(x, s, gen):
    c = [0.08, 0.12, 0.18, 0.26, 0.38][s - 1]
    return (x / 255 + torch.randn(x.shape, generator=gen) * c).clamp(0, 1) * 255


def shot_noise(x, s, gen):
    c = [60, 25, 12, 5, 3][s - 1]
    return (torch.poisson(x / 255 * c, generator=gen) / c).clamp(0, 1) * 255


def blur(x, s, gen):
    return gaussian_blur(x, [1, 2, 3, 4, 6][s - 1] * 0.6)  # crops are ~0.6x the 360x480 frame


def motion_blur(x, s, gen):
    radius = [10, 15, 15, 15, 20][s - 1] * 0.6
    sigma = [3, 5, 8, 12, 15][s - 1] * 0.6
    n = int(radius) * 2 + 1
    ang = _u(gen) * math.pi
    t = torch.arange(n, dtype=torch.float32)  # one-sided line, weights a Gaussian of the distance
    w = torch.exp(-t * t / (2 * sigma * sigma))
    k = torch.zeros(n * 2 + 1, n * 2 + 1)
    for i in range(n):
        k[int(round(n + i * math.sin(ang))), int(round(n + i * math.cos(ang)))] += w[i]
    k = (k / k.sum()).view(1, 1, *k.shape).repeat(3, 1, 1, 1)
    return F.conv2d(F.pad(x[None], (n, n, n, n), mode="replicate"), k, groups=3)[0]


def brightness(x, s, gen):
    return (x + [0.1, 0.2, 0.3, 0.4, 0.5][s - 1] * 255).clamp(0, 255)


def contrast(x, s, gen):
    c = [0.4, 0.3, 0.2, 0.1, 0.05][s - 1]
    m = x.mean()
    return ((x - m) * c + m).clamp(0, 255)


def jpeg(x, s, gen):
    q = [25, 18, 15, 10, 7][s - 1]
    buf = io.BytesIO()
    Image.fromarray(x.clamp(0, 255).round().byte().permute(1, 2, 0).numpy()).save(buf, "JPEG", quality=q)
    return torch.from_numpy(np.asarray(Image.open(buf).convert("RGB")).copy()).permute(2, 0, 1).float()


def fog(x, s, gen):
    a, decay = [(1.5, 2), (2.0, 2), (2.5, 1.7), (2.5, 1.5), (3.0, 1.4)][s - 1]
    h, w = x.shape[1:]
    noise = torch.zeros(1, 1, h, w)
    for octave in range(1, 6):  # a sum of upsampled random grids: low-frequency, plasma-like
        g = torch.rand(1, 1, 2 ** octave + 1, 2 ** octave + 1, generator=gen)
        noise += F.interpolate(g, size=(h, w), mode="bilinear", align_corners=True) / (decay ** octave)
    noise = noise[0] / noise.max()
    m = x.max()
    return ((x + a * 255 * noise * 0.35) * m / (m + a * 255 * 0.35)).clamp(0, 255)


def dusk(x, s, gen):
    gamma = [1.3, 1.6, 1.9, 2.2, 2.6][s - 1]
    tint = torch.tensor([1.0, 0.9, 0.78]).view(3, 1, 1) ** (s / 3)
    return (255 * (x / 255) ** gamma * tint).clamp(0, 255)


def lens_smear(x, s, gen):
    h, w = x.shape[1:]
    cy, cx = _u(gen) * h, _u(gen) * w
    ry, rx = (0.15 + 0.1 * s * _u(gen)) * h, (0.15 + 0.1 * s * _u(gen)) * w
    yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32), indexing="ij")
    mask = (1 - ((yy - cy) / ry) ** 2 - ((xx - cx) / rx) ** 2).clamp(0, 1) ** 0.5
    smeared = gaussian_blur(x, 2 + 2 * s) * 0.7 + 255 * 0.3 * (0.5 + 0.1 * s)
    return (x * (1 - mask) + smeared.clamp(0, 255) * mask).clamp(0, 255)


def impulse_noise(x, s, gen):
    amount = [0.03, 0.06, 0.09, 0.17, 0.27][s - 1]
    r = torch.rand(x.shape, generator=gen)
    y = x.clone()
    y[r < amount / 2] = 0
    y[(r >= amount / 2) & (r < amount)] = 255
    return y


def defocus_blur(x, s, gen):
    radius, alias = [(3, 0.1), (4, 0.5), (6, 0.5), (8, 0.5), (10, 0.5)][s - 1]
    r = max(1, int(round(radius * 0.8)))  # checked at 288x384, 0.8x the frame
    t = torch.arange(-r, r + 1, dtype=torch.float32)
    k = ((t.view(-1, 1) ** 2 + t.view(1, -1) ** 2) <= r * r).float()
    k = (k / k.sum()).view(1, 1, *k.shape).repeat(3, 1, 1, 1)
    y = F.conv2d(F.pad(x[None], (r, r, r, r), mode="replicate"), k, groups=3)[0]
    return gaussian_blur(y, alias * 2) if alias > 0.2 else y


def pixelate(x, s, gen):
    c = [0.6, 0.5, 0.4, 0.3, 0.25][s - 1]
    h, w = x.shape[1:]
    small = F.interpolate(x[None], size=(max(1, int(h * c)), max(1, int(w * c))), mode="area")
    return F.interpolate(small, size=(h, w), mode="nearest")[0]


TRAIN_CORRUPTIONS = {"gaussian-noise": gaussian_noise, "shot-noise": shot_noise, "gaussian-blur": blur,
                     "motion-blur": motion_blur, "brightness": brightness, "contrast": contrast, "jpeg": jpeg,
                     "fog": fog, "dusk": dusk, "lens-smear": lens_smear}
HELD_OUT = {"impulse-noise": impulse_noise, "defocus-blur": defocus_blur, "pixelate": pixelate}


def photometric(x, gen, p=0.6):
    """With probability p, one training corruption at a random severity 1..5 (sometimes two)."""
    names = list(TRAIN_CORRUPTIONS)
    for _ in range(2):
        if _u(gen) >= p:
            break
        name = names[int(_u(gen) * len(names)) % len(names)]
        x = TRAIN_CORRUPTIONS[name](x, 1 + int(_u(gen) * 5) % 5, gen)
        p *= 0.4
    return x


@torch.no_grad()
def robustness_eval(evaluate, model, imgs, labs, h, w, severity=3, every=2, seed=0, corruptions=None):
    """Val (every `every`-th frame) under each corruption (default: the held-out ones), dropout off: {name: mIoU}."""
    gen = torch.Generator().manual_seed(seed)
    sub_i, sub_l = imgs[::every], labs[::every]
    out = {}
    for name, fn in (corruptions or HELD_OUT).items():
        bad = torch.stack([fn(sub_i[i].float(), severity, gen).round().clamp(0, 255).byte() for i in range(sub_i.shape[0])])
        out[name] = round(evaluate(model, bad, sub_l, h, w, 0)["mIoU"], 4)
    return out
