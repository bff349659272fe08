"""Train the compact Bayesian SegNet on CamVid train; select on val. Resumable.

  /usr/bin/python3 models/training/train.py --data ../shared/datasets/camvid --out /work/ckpt/segnet
  (add --resume to continue from OUT/last.pt)
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from data import IGNORE, augment_batch, load_split, normalise  # noqa: E402
from segnet import BayesianSegNet  # noqa: E402

# Median-frequency weights of the original Bayesian SegNet CamVid solver (index 0..10).
MEDIAN_FREQ = [0.2595, 0.1826, 4.5640, 0.1417, 0.9051, 0.3826, 9.6446, 1.8418, 0.6823, 6.2478, 7.3614]


def lovasz_grad(fg_sorted):
    """Gradient of the Lovasz extension of the Jaccard loss at errors sorted in decreasing order
    (Berman, Rannen Triki, Blaschko 2018)."""
    total = fg_sorted.sum()
    intersection = total - fg_sorted.cumsum(0)
    union = total + (1 - fg_sorted).cumsum(0)
    jaccard = 1.0 - intersection / union
    jaccard[1:] = jaccard[1:] - jaccard[:-1]
    return jaccard


def lovasz_softmax(logits, labels, ignore=IGNORE):
    """Lovasz-softmax loss: a convex surrogate of 1 - IoU per class, averaged over the classes present
    in the batch. Weighted cross-entropy alone over-predicts the rare classes (val precision of
    Pedestrian 0.16 at recall 0.85), which costs IoU; this term trades them back."""
    c = logits.shape[1]
    probs = F.softmax(logits, 1).permute(0, 2, 3, 1).reshape(-1, c)
    y = labels.reshape(-1)
    keep = y != ignore
    probs, y = probs[keep], y[keep]
    losses = []
    for k in range(c):
        fg = (y == k).to(probs.dtype)
        if fg.sum() == 0:
            continue
        errors = (fg - probs[:, k]).abs()
        errors_sorted, perm = torch.sort(errors, descending=True)
        losses.append(torch.dot(errors_sorted, lovasz_grad(fg[perm])))
    return torch.stack(losses).mean() if losses else logits.sum() * 0.0


def confusion(pred, lab, k=11):
    m = lab != IGNORE
    return torch.bincount(lab[m] * k + pred[m], minlength=k * k).view(k, k)


def scores(cm):
    cm = cm.double()
    tp = cm.diag()
    iou = tp / (cm.sum(0) + cm.sum(1) - tp).clamp(min=1)
    acc = tp / cm.sum(1).clamp(min=1)
    return {"global": (tp.sum() / cm.sum()).item(), "classAvg": acc.mean().item(),
            "mIoU": iou.mean().item(), "iou": [round(v, 4) for v in iou.tolist()]}


def set_mc(model, on):
    model.eval()
    for m in model.dropout_modules():
        m.train(on)


@torch.no_grad()
def evaluate(model, imgs, labs, h, w, samples=0):
    """samples=0: dropout off (weight averaging); else mean softmax of that many MC passes.
    Probabilities are upsampled bilinearly to the label size before the argmax."""
    set_mc(model, samples > 0)
    cm = torch.zeros(11, 11, dtype=torch.int64)
    for i in range(imgs.shape[0]):
        x = F.interpolate(imgs[i:i + 1].float(), size=(h, w), mode="bilinear", align_corners=False)
        x = normalise(x)
        n = max(1, samples)
        p = sum(F.softmax(model(x), 1) for _ in range(n)) / n
        p = F.interpolate(p, size=labs.shape[1:], mode="bilinear", align_corners=False)
        cm += confusion(p.argmax(1)[0].flatten(), labs[i].flatten())
    model.train()
    return scores(cm)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/datasets/camvid")
    ap.add_argument("--out", default="/work/ckpt/segnet")
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--batch", type=int, default=6)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--wd", type=float, default=1e-4)
    ap.add_argument("--height", type=int, default=192)
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--weight-power", type=float, default=0.5, help="class weight = medfreq ** power")
    ap.add_argument("--lovasz", type=float, default=0.0,
                    help="weight of a Lovasz-softmax (IoU surrogate) term added to the weighted cross-entropy")
    ap.add_argument("--eval-every", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--no-channels-last", dest="channels_last", action="store_false",
                    help="channels-last tensors train about 1.3x faster on CPU (same results)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    _, timgs, tlabs = load_split(args.data, "train")
    _, vimgs, vlabs = load_split(args.data, "val")
    model = BayesianSegNet()
    weights = torch.tensor(MEDIAN_FREQ) ** args.weight_power
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.wd)
    steps_per_epoch = math.ceil(timgs.shape[0] / args.batch)
    gen = torch.Generator().manual_seed(args.seed)
    start, best, history, wall = 0, -1.0, [], 0.0
    last = os.path.join(args.out, "last.pt")
    ck = torch.load(last) if args.resume and os.path.exists(last) else None
    if ck is not None:
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"])
    # Built after the optimizer state is restored: OneCycleLR writes --lr into the param groups,
    # so a resumed run may change the peak learning rate.
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch,
                                                pct_start=0.1, div_factor=10, final_div_factor=100)
    if ck is not None:
        same_plan = ck["args"]["epochs"] == args.epochs and ck["args"]["lr"] == args.lr
        if same_plan:
            sched.load_state_dict(ck["sched"])
        else:
            # A changed --epochs or --lr re-plans the one-cycle schedule from here on (a warm restart).
            for _ in range(ck["epoch"] * steps_per_epoch):
                sched.step()
            print(f"schedule re-planned: {ck['args']['epochs']} -> {args.epochs} epochs, peak lr {args.lr}", flush=True)
        gen.set_state(ck["gen"]); torch.set_rng_state(ck["rng"])
        start, best, history, wall = ck["epoch"], ck["best"], ck["history"], ck.get("wall", 0.0)
        print(f"resumed at epoch {start}, best val mIoU {best:.4f}", flush=True)
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
    for epoch in range(start, args.epochs):
        t0 = time.time()
        model.train()
        order = torch.randperm(timgs.shape[0], generator=gen)
        tot, n = 0.0, 0
        for s in range(steps_per_epoch):
            idxs = order[s * args.batch:(s + 1) * args.batch].tolist()
            x, y = augment_batch(timgs, tlabs, idxs, args.height, args.width, gen)
            if args.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            logits = model(x)
            loss = F.cross_entropy(logits, y, weight=weights, ignore_index=IGNORE)
            if args.lovasz > 0:
                loss = loss + args.lovasz * lovasz_softmax(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step(); sched.step()
            tot += loss.item(); n += 1
        wall += time.time() - t0
        rec = {"epoch": epoch + 1, "loss": round(tot / n, 4), "lr": sched.get_last_lr()[0], "s": round(time.time() - t0, 1)}
        if (epoch + 1) % args.eval_every == 0 or epoch + 1 == args.epochs:
            v = evaluate(model, vimgs, vlabs, args.height, args.width)
            rec.update({"val_mIoU": round(v["mIoU"], 4), "val_global": round(v["global"], 4),
                        "val_classAvg": round(v["classAvg"], 4), "val_iou": v["iou"]})
            if v["mIoU"] > best:
                best = v["mIoU"]
                torch.save({"model": model.state_dict(), "epoch": epoch + 1, "val": v, "args": vars(args)},
                           os.path.join(args.out, "best.pt"))
        history.append(rec)
        print(json.dumps(rec), flush=True)
        tmp = last + ".tmp"
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "gen": gen.get_state(), "rng": torch.get_rng_state(), "epoch": epoch + 1, "best": best,
                    "history": history, "wall": wall, "args": vars(args)}, tmp)
        os.replace(tmp, last)
    print(json.dumps({"done": True, "best_val_mIoU": best, "wall_s": round(wall)}), flush=True)


if __name__ == "__main__":
    main()
