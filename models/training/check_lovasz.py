"""Checks train.py's Lovasz-softmax loss against slow, obvious references. Prints one JSON line.

1. Soft probabilities: the Lovasz extension computed from its definition, per class: sort the pixel
   errors in decreasing order, and weight the i-th error by the rise of the Jaccard loss when the
   i-th pixel joins the set of mispredicted pixels (sets of plain Python ints).
2. One-hot predictions: the loss equals 1 - mIoU over the classes present (the extension is exact
   on the cube's vertices).
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from data import IGNORE  # noqa: E402
from train import lovasz_softmax  # noqa: E402


def jaccard_loss(fg, mispredicted):
    """1 - |fg minus mispredicted| / |fg union mispredicted|, on sets of pixel positions."""
    union = fg | mispredicted
    return 1.0 - len(fg - mispredicted) / len(union) if union else 0.0


def slow_lovasz(probs, labels, classes):
    losses = []
    for c in range(classes):
        fg = {i for i, y in enumerate(labels) if y == c}
        if not fg:
            continue
        errors = [abs((1.0 if labels[i] == c else 0.0) - probs[i][c]) for i in range(len(labels))]
        order = sorted(range(len(labels)), key=lambda i: -errors[i])
        total, mis, prev = 0.0, set(), 0.0
        for i in order:
            mis.add(i)
            cur = jaccard_loss(fg, mis)
            total += errors[i] * (cur - prev)
            prev = cur
        losses.append(total)
    return sum(losses) / len(losses)


def main():
    worst_soft, worst_hard = 0.0, 0.0
    for seed in range(20):
        g = torch.Generator().manual_seed(seed)
        classes = 3 + seed % 4
        labels = torch.randint(0, classes, (1, 5, 7), generator=g)
        labels[0, 0, : seed % 4] = IGNORE
        logits = torch.randn(1, classes, 5, 7, generator=g, dtype=torch.float64) * 2
        fast = lovasz_softmax(logits, labels).item()
        keep = labels.flatten() != IGNORE
        probs = F.softmax(logits, 1).permute(0, 2, 3, 1).reshape(-1, classes)[keep].tolist()
        slow = slow_lovasz(probs, labels.flatten()[keep].tolist(), classes)
        worst_soft = max(worst_soft, abs(fast - slow))
        pred = torch.randint(0, classes, (1, 5, 7), generator=g)
        onehot = F.one_hot(pred, classes).permute(0, 3, 1, 2).to(torch.float64) * 100.0
        ious = []
        for c in range(classes):
            t, p = (labels == c), (pred == c) & (labels != IGNORE)
            if t.sum() > 0:
                ious.append((t & p).sum().item() / (t | p).sum().item())
        worst_hard = max(worst_hard, abs(lovasz_softmax(onehot, labels).item() - (1 - sum(ious) / len(ious))))
    ok = worst_soft < 1e-9 and worst_hard < 1e-9
    print(json.dumps({"ok": ok, "maxDiffSoft": worst_soft, "maxDiffOneHot": worst_hard}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
