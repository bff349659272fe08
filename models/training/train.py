"""Train the compact Bayesian SegNet on CamVid train; select on val. Resumable.

  /usr/bin/python3 models/training/train.py --data ../shared/datasets/camvid --out /work/ckpt/segnet
  (add --resume to continue from OUT/last.pt)

On a GPU (--device cuda): bf16 autocast where the build supports it, MC-dropout checkpoint
selection (--select-samples), averaging of the last epochs' weights (--swa) and a wall-clock
budget (--time-budget) that plans the epoch count after the second epoch. GPU runs are not
bit-reproducible (cuDNN and unpooling's backward use atomics); the log records the plan.
"""
import argparse
import copy
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
import robust  # noqa: E402

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
def evaluate(model, imgs, labs, h, w, samples=0, amp=False, chunk=10):
    """samples=0: dropout off (weight averaging); else mean softmax of that many MC passes, run as
    batches of up to `chunk` copies of the image (each copy draws its own dropout masks).
    Probabilities are upsampled bilinearly to the label size before the argmax."""
    set_mc(model, samples > 0)
    dev = next(model.parameters()).device
    cm = torch.zeros(11, 11, dtype=torch.int64, device=dev)
    for i in range(imgs.shape[0]):
        x = F.interpolate(imgs[i:i + 1].to(dev).float(), size=(h, w), mode="bilinear", align_corners=False)
        x = normalise(x)
        n, p = max(1, samples), 0.0
        for k in range(0, n, chunk):
            b = min(chunk, n - k)
            with torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=amp):
                logits = model(x.expand(b, -1, -1, -1).contiguous())
            p = p + F.softmax(logits.float(), 1).sum(0, keepdim=True)
        p = F.interpolate(p / n, size=labs.shape[1:], mode="bilinear", align_corners=False)
        cm += confusion(p.argmax(1)[0].flatten(), labs[i].to(dev).flatten())
    model.train()
    return scores(cm.cpu())


def forward_augmented(model, timgs, tlabs, idxs, args, gen):
    """One augmented training batch through the model (channels-last and bf16 as configured)."""
    photo = (lambda im, g: robust.photometric(im, g, args.robust)) if args.robust > 0 else None
    x, y = augment_batch(timgs, tlabs, idxs, args.height, args.width, gen, (args.scale_min, args.scale_max), photo)
    if args.channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16, enabled=args.amp):
        return model(x), y


@torch.no_grad()
def recompute_bn(model, timgs, tlabs, args, gen):
    """Averaged weights need their own BN statistics: a cumulative average over one pass of
    augmented training batches (dropout on, as in training)."""
    model.train()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats(); m.momentum = None
    order = torch.randperm(timgs.shape[0], generator=gen)
    for s in range(0, timgs.shape[0], args.batch):
        forward_augmented(model, timgs, tlabs, order[s:s + args.batch].tolist(), args, gen)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = 0.1


def cpu_state(model):
    """Checkpoints hold CPU tensors, so a GPU run's files load anywhere."""
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}


def amp_works(model, args, dev):
    """Some builds lack bf16 kernels for max_unpool2d and friends: try one step before relying on it.
    The trial's forward pass in train mode moves the BN statistics, so they are put back."""
    saved = copy.deepcopy(model.state_dict())
    try:
        x = torch.zeros(2, 3, args.height, args.width, device=dev)
        with torch.autocast(device_type=dev.type, dtype=torch.bfloat16):
            y = model(x)
        y.float().mean().backward()
        return True
    except RuntimeError as e:
        print(json.dumps({"amp": False, "why": str(e).splitlines()[0]}), flush=True)
        return False
    finally:
        model.zero_grad(set_to_none=True)
        model.load_state_dict(saved)


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
    ap.add_argument("--eval-height", type=int, help="val input size (default: the training crop size)")
    ap.add_argument("--eval-width", type=int)
    ap.add_argument("--scale-min", type=float, default=0.5, help="random rescale of the 360x480 frame before the crop")
    ap.add_argument("--scale-max", type=float, default=0.85)
    ap.add_argument("--weight-power", type=float, default=0.5, help="class weight = medfreq ** power")
    ap.add_argument("--lovasz", type=float, default=0.0,
                    help="weight of a Lovasz-softmax (IoU surrogate) term added to the weighted cross-entropy")
    ap.add_argument("--robust", type=float, default=0.0,
                    help="probability of a photometric corruption per training crop (robust.py's training set)")
    ap.add_argument("--robust-select", action="store_true",
                    help="select best.pt on the mean of val mIoU and val under robust.py's held-out corruptions")
    ap.add_argument("--eval-every", type=int, default=4)
    ap.add_argument("--select-samples", type=int, default=0,
                    help="select best.pt by val mIoU with this many MC-dropout samples (0: dropout off)")
    ap.add_argument("--init", help="start from this checkpoint's weights with a fresh optimizer and schedule")
    ap.add_argument("--swa", type=float, default=0.0,
                    help="average the weights of this final fraction of epochs (BN statistics recomputed) "
                         "and keep the average if it validates better")
    ap.add_argument("--time-budget", type=float, default=0.0,
                    help="seconds: after the second epoch, plan --epochs to fit this wall-clock budget")
    ap.add_argument("--stop-after", type=int, help="end after this epoch, as an interrupted run would (for --resume)")
    ap.add_argument("--keep-epochs", action="store_true", help="also save each evaluated epoch's weights as epoch-N.pt")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--no-channels-last", dest="channels_last", action="store_false",
                    help="channels-last tensors train about 1.3x faster on CPU (same results)")
    args = ap.parse_args()
    args.eval_height = args.eval_height or args.height
    args.eval_width = args.eval_width or args.width
    t_start = time.time()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    dev = torch.device(args.device)
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    _, timgs, tlabs = load_split(args.data, "train")
    _, vimgs, vlabs = load_split(args.data, "val")
    timgs, tlabs, vimgs, vlabs = timgs.to(dev), tlabs.to(dev), vimgs.to(dev), vlabs.to(dev)
    model = BayesianSegNet()
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu")["model"])  # copies cast fp16 weights
    model = model.to(dev)
    args.amp = dev.type == "cuda" and amp_works(model, args, dev)
    weights = (torch.tensor(MEDIAN_FREQ) ** args.weight_power).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.wd)
    steps_per_epoch = math.ceil(timgs.shape[0] / args.batch)
    gen = torch.Generator().manual_seed(args.seed)
    start, best, history, wall = 0, -1.0, [], 0.0
    last = os.path.join(args.out, "last.pt")
    ck = torch.load(last, map_location="cpu") if args.resume and os.path.exists(last) else None
    if ck is not None:
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"])
        if ck["args"].get("time_budget"):
            args.epochs = ck["args"]["epochs"]  # the plan made by the budgeted run

    def make_sched(done_epochs=0):
        # Built after the optimizer state is restored: OneCycleLR writes --lr into the param groups,
        # so a resumed run may change the peak learning rate. done_epochs > 0 re-plans the schedule
        # for args.epochs and moves it to where those epochs left it.
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch,
                                                    pct_start=0.1, div_factor=10, final_div_factor=100)
        for _ in range(done_epochs * steps_per_epoch):
            sched.step()
        return sched

    # A changed --epochs or --lr re-plans the one-cycle schedule from the resumed epoch (a warm restart).
    same_plan = ck is not None and ck["args"]["epochs"] == args.epochs and ck["args"]["lr"] == args.lr
    sched = make_sched(ck["epoch"] if ck is not None and not same_plan else 0)
    if ck is not None:
        if same_plan:
            sched.load_state_dict(ck["sched"])
            # Building the scheduler wrote its first learning rate and Adam beta1 into the optimizer,
            # and the scheduler's state does not put the current ones back: without this the first
            # resumed step used the wrong ones (resumed weights differed from uninterrupted ones).
            opt.load_state_dict(ck["opt"])
        else:
            print(f"schedule re-planned: {ck['args']['epochs']} -> {args.epochs} epochs, peak lr {args.lr}", flush=True)
        gen.set_state(ck["gen"]); torch.set_rng_state(ck["rng"])
        start, best, history, wall = ck["epoch"], ck["best"], ck["history"], ck.get("wall", 0.0)
        print(f"resumed at epoch {start}, best val mIoU {best:.4f}", flush=True)
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)

    def validate(m):
        off = evaluate(m, vimgs, vlabs, args.eval_height, args.eval_width, 0, args.amp)
        mc = evaluate(m, vimgs, vlabs, args.eval_height, args.eval_width, args.select_samples, args.amp) \
            if args.select_samples > 0 else None
        rec = {"val_mIoU": round(off["mIoU"], 4), "val_global": round(off["global"], 4),
               "val_classAvg": round(off["classAvg"], 4), "val_iou": off["iou"]}
        if mc is not None:
            rec.update({"val_mc_mIoU": round(mc["mIoU"], 4), "val_mc_global": round(mc["global"], 4),
                        "val_mc_classAvg": round(mc["classAvg"], 4), "val_mc_iou": mc["iou"]})
        score = (mc or off)["mIoU"]
        if args.robust_select:
            rec["robust"] = robust.robustness_eval(evaluate, m, vimgs, vlabs, args.eval_height, args.eval_width)
            rec["select"] = round(0.5 * score + 0.5 * sum(rec["robust"].values()) / len(rec["robust"]), 4)
            score = rec["select"]
        return score, {"off": off, "mc": mc}, rec

    def save_best(state, epoch, v):
        torch.save({"model": state, "epoch": epoch, "val": v["off"], "val_mc": v["mc"], "args": vars(args)},
                   os.path.join(args.out, "best.pt"))

    eval_s = 0.0
    if args.time_budget and start == 0:
        t0 = time.time()
        _, _, rec = validate(model)
        eval_s = time.time() - t0
        print(json.dumps({"epoch": 0, "eval_s": round(eval_s, 1), **rec}), flush=True)
    swa_state, swa_n = None, 0
    if ck is not None and ck.get("swa") is not None:
        swa_state, swa_n = {k: v.to(dev) for k, v in ck["swa"].items()}, ck["swa_n"]
    epoch = start
    while epoch < args.epochs:
        t0 = time.time()
        model.train()
        order = torch.randperm(timgs.shape[0], generator=gen)
        tot = torch.zeros((), device=dev)
        for s in range(steps_per_epoch):
            idxs = order[s * args.batch:(s + 1) * args.batch].tolist()
            logits, y = forward_augmented(model, timgs, tlabs, idxs, args, gen)
            logits = logits.float()
            loss = F.cross_entropy(logits, y, weight=weights, ignore_index=IGNORE)
            if args.lovasz > 0:
                loss = loss + args.lovasz * lovasz_softmax(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step(); sched.step()
            tot += loss.detach()
        epoch += 1
        epoch_s = time.time() - t0
        wall += epoch_s
        if args.time_budget and epoch == 2 and start <= 1:
            # Plan the rest from the second epoch's time (the first pays for cuDNN's autotuning:
            # 10.7 s against 1.3 s on an H200) and the evaluation time, keeping ~10 evaluations
            # and one BN pass for the averaged weights inside the budget.
            left = args.time_budget - (time.time() - t_start)
            per_epoch = epoch_s * 1.05
            planned = max(2, 1 + int((left - 11 * eval_s - 2 * per_epoch) / per_epoch))
            args.epochs = planned
            args.eval_every = max(1, planned // 10)
            sched = make_sched(epoch)
            print(json.dumps({"plan": {"epochs": planned, "eval_every": args.eval_every, "epoch_s": round(epoch_s, 2),
                                       "eval_s": round(eval_s, 1), "amp": args.amp}}), flush=True)
        if args.time_budget and 2 <= epoch < args.epochs and time.time() - t_start + epoch_s + eval_s > 1.1 * args.time_budget:
            # Slower than planned (a shared GPU): end here rather than overrun the budget.
            print(json.dumps({"stopped_early": epoch, "planned": args.epochs}), flush=True)
            args.epochs = epoch
        swa_from = args.epochs - int(round(args.swa * args.epochs))
        if args.swa > 0 and epoch > swa_from:
            if swa_state is None:
                swa_state = {k: v.detach().clone().float() for k, v in model.state_dict().items()}
                swa_n = 1
            else:
                swa_n += 1
                for k, v in model.state_dict().items():
                    if v.is_floating_point():
                        swa_state[k] += (v.float() - swa_state[k]) / swa_n
        rec = {"epoch": epoch, "loss": round(tot.item() / steps_per_epoch, 4), "lr": sched.get_last_lr()[0],
               "s": round(epoch_s, 1)}
        if epoch % args.eval_every == 0 or epoch == args.epochs:
            score, v, vrec = validate(model)
            rec.update(vrec)
            if score > best:
                best = score
                save_best(cpu_state(model), epoch, v)
        history.append(rec)
        print(json.dumps(rec), flush=True)
        if args.keep_epochs and "val_mIoU" in rec:
            torch.save({"model": cpu_state(model), "epoch": epoch, "val_mIoU": rec["val_mIoU"]},
                       os.path.join(args.out, f"epoch-{epoch}.pt"))
        stopping = bool(args.stop_after) and args.stop_after <= epoch < args.epochs
        if epoch % args.eval_every == 0 or epoch == args.epochs or not args.time_budget or stopping:
            tmp = last + ".tmp"
            torch.save({"model": cpu_state(model), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "gen": gen.get_state(), "rng": torch.get_rng_state(), "epoch": epoch, "best": best,
                        "history": history, "wall": wall, "args": vars(args),
                        "swa": None if swa_state is None else {k: v.cpu() for k, v in swa_state.items()}, "swa_n": swa_n}, tmp)
            os.replace(tmp, last)
        if stopping:
            print(json.dumps({"stopped_after": epoch, "resume_with": "--resume"}), flush=True)
            return
    if swa_state is not None:
        averaged = copy.deepcopy(model)
        averaged.load_state_dict(swa_state)
        recompute_bn(averaged, timgs, tlabs, args, gen)
        score, v, vrec = validate(averaged)
        print(json.dumps({"swa_epochs": swa_n, **vrec}), flush=True)
        torch.save({"model": cpu_state(averaged), "epoch": f"swa{swa_n}", "val": v["off"], "val_mc": v["mc"],
                    "args": vars(args)}, os.path.join(args.out, "swa.pt"))
        if score > best:
            best = score
            save_best(cpu_state(averaged), f"swa of the last {swa_n} epochs to {epoch}", v)
    print(json.dumps({"done": True, "best_val_mIoU": best, "wall_s": round(wall),
                      "total_s": round(time.time() - t_start)}), flush=True)


if __name__ == "__main__":
    main()
