"""Score checkpoints on val and val under corruptions, as train.py --robust-select does (torch, dropout
off, 288x384 unless --size says otherwise): the candidate table of models/README.md. Prints one JSON line
per checkpoint and size.

  /usr/bin/python3 models/training/eval_robust.py /work/ckpt/shipped.pt /work/ckpt/robust/epoch-10.pt
  /usr/bin/python3 models/training/eval_robust.py --size 256x352,288x384,352x480,384x480pad /work/ckpt/shipped.pt

A size HxW resizes the frame bilinearly (train.py's evaluate); HxWpad keeps the frame's own resolution and
pads its bottom and right by reflection up to HxW (SegNet needs multiples of 32: 360x480 -> 384x480).
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import robust  # noqa: E402
from data import IGNORE, load_split  # noqa: E402
from segnet import BayesianSegNet  # noqa: E402
from train import evaluate  # noqa: E402


def padded(model, imgs, labs, h, w, samples=0):
    """evaluate() on frames padded to h x w (reflected pixels, IGNORE labels): the resize inside is then
    the identity, and the padded rows are never scored, which equals cropping the probabilities back."""
    dh, dw = h - imgs.shape[2], w - imgs.shape[3]
    x = F.pad(imgs.float(), (0, dw, 0, dh), mode="reflect").round().byte()
    y = F.pad(labs, (0, dw, 0, dh), value=IGNORE)
    return evaluate(model, x, y, h, w, samples)


def main(paths, sizes, data="../shared/datasets/camvid"):
    torch.set_num_threads(2)
    _, vimgs, vlabs = load_split(data, "val")
    for p in paths:
        model = BayesianSegNet()
        model.load_state_dict(torch.load(p, map_location="cpu")["model"])
        for size in sizes:
            t0 = time.time()
            ev = padded if size.endswith("pad") else evaluate
            h, w = (int(v) for v in size.removesuffix("pad").split("x"))
            val = round(ev(model, vimgs, vlabs, h, w, 0)["mIoU"], 4)
            held = robust.robustness_eval(ev, model, vimgs, vlabs, h, w)
            gn3 = robust.robustness_eval(ev, model, vimgs, vlabs, h, w, corruptions={"gaussian-noise": robust.gaussian_noise})["gaussian-noise"]
            print(json.dumps({"ckpt": p, "size": size, "val_mIoU": val, "held_out_sev3": held,
                              "select": round(0.5 * val + 0.5 * sum(held.values()) / len(held), 4),
                              "gaussian_noise_sev3_mIoU": gn3, "seconds": round(time.time() - t0)}), flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ckpts", nargs="+")
    ap.add_argument("--size", default="288x384", help="comma-separated HxW (resize) or HxWpad (pad), e.g. 288x384,384x480pad")
    ap.add_argument("--data", default="../shared/datasets/camvid")
    a = ap.parse_args()
    main(a.ckpts, a.size.split(","), a.data)
