"""Score checkpoints on val and val under corruptions, as train.py --robust-select does (torch, dropout
off, 288x384): the candidate table of models/README.md. Prints one JSON line per checkpoint.

  /usr/bin/python3 models/training/eval_robust.py /work/ckpt/shipped.pt /work/ckpt/robust/epoch-10.pt
  /usr/bin/python3 models/training/eval_robust.py --size 352x480 /work/ckpt/shipped.pt   (another inference size)
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import robust  # noqa: E402
from data import load_split  # noqa: E402
from segnet import BayesianSegNet  # noqa: E402
from train import evaluate  # noqa: E402


def main(paths, data="../shared/datasets/camvid", h=288, w=384):
    torch.set_num_threads(2)
    _, vimgs, vlabs = load_split(data, "val")
    for p in paths:
        model = BayesianSegNet()
        model.load_state_dict(torch.load(p, map_location="cpu")["model"])
        val = round(evaluate(model, vimgs, vlabs, h, w, 0)["mIoU"], 4)
        held = robust.robustness_eval(evaluate, model, vimgs, vlabs, h, w)
        gen = torch.Generator().manual_seed(0)
        sub_i, sub_l = vimgs[::2], vlabs[::2]
        noisy = torch.stack([robust.gaussian_noise(sub_i[i].float(), 3, gen).round().byte() for i in range(sub_i.shape[0])])
        gn3 = round(evaluate(model, noisy, sub_l, h, w, 0)["mIoU"], 4)
        print(json.dumps({"ckpt": p, "size": f"{h}x{w}", "val_mIoU": val, "held_out_sev3": held,
                          "select": round(0.5 * val + 0.5 * sum(held.values()) / len(held), 4),
                          "gaussian_noise_sev3_mIoU": gn3}), flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--size"]:
        hh, ww = (int(v) for v in args[1].split("x"))
        main(args[2:], h=hh, w=ww)
    else:
        main(args)
