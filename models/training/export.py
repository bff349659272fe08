"""Export a checkpoint to ONNX with MC dropout kept in the graph, write the model card, and check
that ONNX Runtime and torch agree with dropout off.

  /usr/bin/python3 models/training/export.py --ckpt /work/ckpt/segnet/best.pt --out models/bayesian-segnet-camvid.onnx

A random-weight model of another size, for timing only (bench/bench.ts --large does this):
  /usr/bin/python3 models/training/export.py --random-init 0 --widths 32 64 128 256 256 --height 352 --width 480 \
      --no-card --out bench/.cache/segnet-352x480.onnx
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from data import IGNORE, MEAN, STD  # noqa: E402
from segnet import BayesianSegNet  # noqa: E402

CLASSES = [("Sky", [128, 128, 128]), ("Building", [128, 0, 0]), ("Pole", [192, 192, 128]), ("Road", [128, 64, 128]),
           ("Pavement", [60, 40, 222]), ("Tree", [128, 128, 0]), ("SignSymbol", [192, 128, 128]), ("Fence", [64, 64, 128]),
           ("Car", [64, 0, 128]), ("Pedestrian", [64, 64, 0]), ("Bicyclist", [0, 128, 192])]


def export(model, path, h, w):
    model.eval()
    model.export_unpool = True
    for m in model.dropout_modules():
        m.train(True)  # TrainingMode.PRESERVE keeps Dropout(training_mode=true) only for modules in train mode
    x = torch.zeros(1, 3, h, w)
    torch.onnx.export(model, x, path, opset_version=13, input_names=["image"], output_names=["logits"],
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    model.export_unpool = False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="/work/ckpt/segnet/best.pt")
    ap.add_argument("--out", default="models/bayesian-segnet-camvid.onnx")
    ap.add_argument("--height", type=int, default=192)
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--reference", help="also write torch's dropout-off logits for a seeded input here")
    ap.add_argument("--random-init", type=int, help="export a randomly initialised model (seed) instead of --ckpt")
    ap.add_argument("--no-card", action="store_true")
    ap.add_argument("--widths", type=int, nargs=5, default=[32, 64, 128, 256, 256], help="with --random-init")
    args = ap.parse_args()
    kwargs = {"widths": tuple(args.widths)}
    model = BayesianSegNet(**kwargs)
    if args.random_init is not None:
        torch.manual_seed(args.random_init)
        model = BayesianSegNet(**kwargs)
        # Untrained BN statistics make every pixel alike; random ones give a parity check teeth.
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2); m.running_var.uniform_(0.5, 2.0)
                m.weight.data.uniform_(0.5, 1.5); m.bias.data.uniform_(-0.2, 0.2)
        ck = {}
    else:
        ck = torch.load(args.ckpt, map_location="cpu")
        model.load_state_dict(ck["model"])
    export(model, args.out, args.height, args.width)
    if args.reference:
        write_reference(model, args.reference, args.height, args.width)
    if args.no_card:
        return
    card_path = os.path.splitext(args.out)[0] + ".json"
    card = json.load(open(card_path)) if os.path.exists(card_path) else {}
    card.update({
        "name": "bayesian-segnet-camvid",
        "description": "Compact Bayesian SegNet (widths 32-64-128-256-256, 2-2-3-3-3 conv+BN+ReLU, index unpooling, "
                       "dropout p=0.5 after encoder units 3-5 and decoder units 5-3) trained on CamVid train, 11 classes.",
        "classes": [{"name": n, "color": c} for n, c in CLASSES],
        "input": {"name": "image", "width": args.width, "height": args.height, "layout": "NCHW",
                  "mean": list(MEAN), "std": list(STD)},
        "output": {"name": "logits", "kind": "logits"},
        "ignoreIndex": IGNORE,
        "dropout": {"points": ["enc3", "enc4", "enc5", "dec5", "dec4", "dec3"], "rate": 0.5},
        "training": {"epoch": ck.get("epoch"), "val_dropout_off": ck.get("val")},
    })
    with open(card_path, "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    print(f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB) and {card_path}")


def write_reference(model, path, h, w, seed=0):
    """Torch logits with dropout off (eval mode, F.max_unpool2d) for a seeded random input, as
    float32 little-endian: input [1,3,h,w] then logits [1,11,h,w]. The node test
    test/export-parity.test.ts runs the ONNX file in ONNX Runtime on the same input and compares."""
    model.eval()
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1, 3, h, w, generator=g)
    with torch.no_grad():
        y = model(x)
    with open(path, "wb") as f:
        f.write(x.numpy().astype("<f4").tobytes())
        f.write(y.numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    main()
