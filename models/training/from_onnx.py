"""Turn the shipped ONNX model back into a training checkpoint (the weights travel only as ONNX):
its initializers carry the torch state_dict names, so a fine-tune can start from exactly what ships.

  /usr/bin/python3 models/training/from_onnx.py models/bayesian-segnet-camvid.onnx /work/ckpt/shipped.pt
  (then train.py --init /work/ckpt/shipped.pt)
"""
import os
import sys

import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
from segnet import BayesianSegNet  # noqa: E402


def model_from_onnx(src):
    """A BayesianSegNet holding the weights of the ONNX file `src`; refuses a file of another architecture."""
    model = BayesianSegNet()
    state = model.state_dict()
    found = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in onnx.load(src).graph.initializer}
    missing = [k for k, v in state.items() if k not in found and not k.endswith("num_batches_tracked")]
    if missing:
        raise SystemExit(f"{src}: no initializer for {missing[:5]} (not this architecture?)")
    for k in state:
        if k in found:
            if found[k].shape != state[k].shape:
                raise SystemExit(f"{src}: {k} has shape {tuple(found[k].shape)}, expected {tuple(state[k].shape)}")
            state[k] = found[k].to(state[k].dtype)
    model.load_state_dict(state)
    return model


def main(src, dst):
    model = model_from_onnx(src)
    torch.save({"model": model.state_dict(), "epoch": "shipped", "source": os.path.basename(src)}, dst)
    print(f"wrote {dst} from {src}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
