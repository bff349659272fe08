"""Method (d) of bench/bench.ts: PyTorch MC dropout on the ONNX model's own weights, the loop a
typical user writes (BN in eval mode, dropout in train mode, N forward passes, softmax, mean,
variance and entropies of the stacked samples).

The weights come from bench/bench.ts as a raw float32 blob plus a JSON index (the ONNX
initializers by their torch names, 'enc.0.0.weight', BN running stats included), so no onnx
Python package is needed. Serve mode reads one JSON request per stdin line,
{"n": N, "input": "path/to/image.f32"}, and answers one JSON line {"ms": ..., "maxRssMb": ...}.

  /usr/bin/python3 bench/torch_mc.py --weights W.f32 --index W.json --height 192 --width 256 \
      --widths 32 64 128 256 256 --classes 11 --serve
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "models", "training"))
from segnet import BayesianSegNet  # noqa: E402


def load_model(args):
    model = BayesianSegNet(num_classes=args.classes, widths=tuple(args.widths))
    index = json.load(open(args.index))
    blob = np.fromfile(args.weights, dtype="<f4")
    state = model.state_dict()
    loaded = {}
    for name, entry in index.items():
        if name in state:
            loaded[name] = torch.from_numpy(blob[entry["offset"]:entry["offset"] + entry["size"]].copy()).view(entry["dims"])
    missing = [k for k in state if k not in loaded and not k.endswith("num_batches_tracked")]
    if missing:
        raise SystemExit(f"torch_mc.py: {args.index}: no weights for {', '.join(missing[:5])} ({len(missing)} missing)")
    model.load_state_dict(loaded, strict=False)
    model.eval()
    for m in model.dropout_modules():
        m.train(True)
    return model


def mc_dropout(model, x, n):
    """What a user writes: N stochastic passes, then the moments of the stacked softmax."""
    with torch.no_grad():
        probs = torch.stack([F.softmax(model(x), dim=1) for _ in range(n)])  # [N, 1, C, H, W]
        mean = probs.mean(0)
        variance = probs.var(0, unbiased=False)
        predictive_entropy = -(mean * torch.log(mean.clamp_min(1e-30))).sum(1)
        expected_entropy = -(probs * torch.log(probs.clamp_min(1e-30))).sum(2).mean(0)
        mutual_information = (predictive_entropy - expected_entropy).clamp_min(0)
        predicted = mean.argmax(1)
    return mean, variance, predicted, mutual_information


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--height", type=int, required=True)
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--widths", type=int, nargs=5, default=[32, 64, 128, 256, 256])
    ap.add_argument("--classes", type=int, default=11)
    ap.add_argument("--serve", action="store_true", help="answer JSON requests on stdin, one per line")
    ap.add_argument("--counts", default="1,10", help="without --serve: sample counts to time on a random image")
    args = ap.parse_args()
    model = load_model(args)
    shape = (1, 3, args.height, args.width)
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    if not args.serve:
        x = torch.randn(*shape)
        mc_dropout(model, x, 1)
        for n in (int(c) for c in args.counts.split(",")):
            t0 = time.perf_counter()
            mc_dropout(model, x, n)
            print(json.dumps({"n": n, "ms": (time.perf_counter() - t0) * 1000}), flush=True)
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        x = torch.from_numpy(np.fromfile(req["input"], dtype="<f4").reshape(shape))
        t0 = time.perf_counter()
        mc_dropout(model, x, int(req["n"]))
        ms = (time.perf_counter() - t0) * 1000
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"ms": ms, "maxRssMb": rss}), flush=True)


if __name__ == "__main__":
    main()
