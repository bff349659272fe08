"""End-to-end checks of train.py on a tiny synthetic dataset (CPU, seconds). Prints one JSON line.

1. Resume is exact: 3 epochs straight and 2 + --resume 1 give bitwise-equal weights.
2. A run with --select-samples and --swa writes best.pt (with MC-dropout val scores) and swa.pt,
   whose weights are the mean of the per-epoch weights it averaged (checked against last.pt copies).
3. --time-budget plans an epoch count after the second epoch and finishes inside the budget.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
H, W = 64, 96


def make_dataset(root, n_train=4, n_val=1, seed=0):
    """Sky-ish top, road-ish bottom, a random box of a third class: learnable, not constant."""
    rng = np.random.default_rng(seed)
    for split, n in (("train", n_train), ("val", n_val)):
        os.makedirs(os.path.join(root, split)); os.makedirs(os.path.join(root, split + "annot"))
        for i in range(n):
            lab = np.full((72, 96), 3, np.uint8)
            lab[:30] = 0
            y, x = rng.integers(20, 50), rng.integers(0, 70)
            lab[y:y + 15, x:x + 20] = 8
            lab[0, :5] = 11  # a few void pixels
            colours = np.array([[128, 128, 128], [0, 0, 0], [0, 0, 0], [128, 64, 128], [0, 0, 0], [0, 0, 0],
                                [0, 0, 0], [0, 0, 0], [64, 0, 128], [0, 0, 0], [0, 0, 0], [0, 0, 0]], np.uint8)
            img = np.clip(colours[lab].astype(np.int16) + rng.integers(-20, 21, (72, 96, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(img).save(os.path.join(root, split, f"f{i}.png"))
            Image.fromarray(lab).save(os.path.join(root, split + "annot", f"f{i}.png"))


def train(data, out, *extra):
    cmd = [sys.executable, os.path.join(HERE, "train.py"), "--data", data, "--out", out, "--batch", "2",
           "--height", str(H), "--width", str(W), "--lovasz", "1", "--eval-every", "1", "--seed", "3",
           "--scale-min", "0.2", "--scale-max", "0.25", *extra]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"train.py {' '.join(extra)} exited {run.returncode}: {run.stderr[-800:]}")
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


def max_diff(a, b):
    return max((a[k].float() - b[k].float()).abs().max().item() for k in a if a[k].is_floating_point())


def main():
    root = tempfile.mkdtemp(prefix="segnet-train-check-")
    try:
        data = os.path.join(root, "data")
        make_dataset(data)
        straight, split = os.path.join(root, "straight"), os.path.join(root, "split")
        train(data, straight, "--epochs", "3")
        train(data, split, "--epochs", "3", "--stop-after", "2")
        resume_log = train(data, split, "--epochs", "3", "--resume")
        resumed = torch.load(os.path.join(split, "last.pt"))
        resume_diff = max_diff(torch.load(os.path.join(straight, "last.pt"))["model"], resumed["model"])

        swa_dir = os.path.join(root, "swa")
        train(data, swa_dir, "--epochs", "3", "--select-samples", "2", "--swa", "0.67", "--keep-epochs")
        best = torch.load(os.path.join(swa_dir, "best.pt"))
        swa = torch.load(os.path.join(swa_dir, "swa.pt"))
        epochs = [torch.load(os.path.join(swa_dir, f"epoch-{e}.pt"))["model"] for e in (2, 3)]
        mean = {k: (epochs[0][k].float() + epochs[1][k].float()) / 2 for k in epochs[0]}
        # BN statistics are recomputed for the average, so compare the learned tensors only.
        learned = [k for k in mean if not k.endswith(("running_mean", "running_var", "num_batches_tracked"))]
        swa_diff = max((swa["model"][k] - mean[k]).abs().max().item() for k in learned)

        t0 = time.time()
        budget_log = train(data, os.path.join(root, "budget"), "--epochs", "100000", "--time-budget", "8")
        budget_s = time.time() - t0
        plan = next(r["plan"] for r in budget_log if "plan" in r)
        result = {
            "resumeMaxDiff": resume_diff, "resumedEpoch": resumed["epoch"], "resumedFrom": next(r["epoch"] for r in resume_log if "epoch" in r),
            "bestHasMc": best["val_mc"] is not None and "mIoU" in best["val_mc"], "swaEpochs": swa["epoch"],
            "swaMaxDiff": swa_diff, "plannedEpochs": plan["epochs"], "budgetRunS": round(budget_s, 1),
        }
        result["ok"] = (resume_diff == 0.0 and resumed["epoch"] == 3 and result["resumedFrom"] == 3 and result["bestHasMc"] and swa["epoch"] == "swa2"
                        and swa_diff < 1e-6 and plan["epochs"] >= 2 and budget_s < 8 * 1.1 + 20)
        print(json.dumps(result))
        sys.exit(0 if result["ok"] else 1)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
