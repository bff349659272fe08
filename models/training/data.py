"""CamVid loading and augmentation. Images stay in memory as uint8 (367 x 360x480x3 = 190 MB)."""
import os
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

MEAN = (0.4119, 0.4251, 0.4327)  # CamVid train RGB mean (measured on the 367 train images)
STD = (0.3071, 0.3116, 0.3072)
IGNORE = 11


def load_split(root, split):
    """Images may be PNG or JPEG (a packed copy for a remote GPU); labels are PNG of the same stem."""
    names = sorted(f for f in os.listdir(os.path.join(root, split)) if f.endswith((".png", ".jpg")))
    imgs = np.stack([np.asarray(Image.open(os.path.join(root, split, n)).convert("RGB")) for n in names])
    labs = np.stack([np.asarray(Image.open(os.path.join(root, split + "annot", os.path.splitext(n)[0] + ".png")))
                     for n in names])
    return names, torch.from_numpy(imgs).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(labs.astype(np.int64))


def normalise(img_u8):
    x = img_u8.to(torch.float32) / 255.0
    mean = torch.tensor(MEAN, device=x.device).view(-1, 3, 1, 1)
    std = torch.tensor(STD, device=x.device).view(-1, 3, 1, 1)
    return (x - mean) / std


def resize_pair(img, lab, h, w):
    """img [3,H,W] uint8, lab [H,W] -> float image bilinear, label nearest."""
    x = F.interpolate(img[None].float(), size=(h, w), mode="bilinear", align_corners=False)[0]
    y = F.interpolate(lab[None, None].float(), size=(h, w), mode="nearest")[0, 0].long()
    return x, y


def augment_batch(imgs, labs, idxs, out_h, out_w, gen, scale_range=(0.5, 0.85), photometric=None):
    """Random scale, random crop (padded with the ignore label), horizontal flip, brightness and
    contrast jitter, then `photometric(x, gen)` if given (robust.py). Returns a normalised float
    batch and int64 labels."""
    xs, ys = [], []
    for i in idxs:
        s = scale_range[0] + (scale_range[1] - scale_range[0]) * torch.rand(1, generator=gen).item()
        h, w = max(out_h, int(round(360 * s))), max(out_w, int(round(480 * s)))
        x, y = resize_pair(imgs[i], labs[i], h, w)
        top = int(torch.randint(0, h - out_h + 1, (1,), generator=gen))
        left = int(torch.randint(0, w - out_w + 1, (1,), generator=gen))
        x = x[:, top:top + out_h, left:left + out_w]
        y = y[top:top + out_h, left:left + out_w]
        if torch.rand(1, generator=gen).item() < 0.5:
            x, y = x.flip(-1), y.flip(-1)
        b = 1.0 + 0.4 * (torch.rand(1, generator=gen).item() - 0.5)
        c = 1.0 + 0.4 * (torch.rand(1, generator=gen).item() - 0.5)
        m = x.mean()
        x = ((x - m) * c + m * b).clamp(0, 255)
        if photometric is not None:
            x = photometric(x, gen)
        xs.append(x)
        ys.append(y)
    return normalise(torch.stack(xs)), torch.stack(ys)
