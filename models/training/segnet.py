"""Compact Bayesian SegNet (Kendall, Badrinarayanan, Cipolla 2015).

VGG-style encoder (conv+BN+ReLU blocks, 2x2 max pooling that keeps its indices), a decoder
that upsamples with those indices (no learned deconvolution), dropout p=0.5 after the central
units (encoder 3, 4, 5 and decoder 5, 4, 3) and a pixelwise classifier. Widths are reduced
from VGG16's 64-128-256-512-512 so that it trains on two CPU cores.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

WIDTHS = (32, 64, 128, 256, 256)
DEPTHS = (2, 2, 3, 3, 3)
CENTRAL_UNITS = (2, 3, 4)  # zero-based: encoder units 3, 4, 5 and decoder units 5, 4, 3


def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


def index_unpool(x, indices):
    """Exact MaxUnpool2d(2) written with ops every ONNX runtime keeps and that broadcast over
    the batch: nearest-upsample the values and the per-plane argmax indices, then keep the one
    position per window whose flat index matches. torch 1.13 cannot export max_unpool2d."""
    h, w = indices.shape[2] * 2, indices.shape[3] * 2
    up = F.interpolate(x, scale_factor=2.0, mode="nearest")
    up_idx = F.interpolate(indices.to(torch.float32), scale_factor=2.0, mode="nearest")
    # Flat positions as a broadcast sum (row * w + col): the graph stores h + w constants, not h * w
    # (0.58 MB less at 288x384: 30,148,729 against 29,570,937 bytes). Exact in float32 below 2**24 positions.
    rows = torch.arange(h, dtype=torch.float32).view(1, 1, h, 1) * w
    cols = torch.arange(w, dtype=torch.float32).view(1, 1, 1, w)
    return up * (up_idx == rows + cols).to(x.dtype)


class BayesianSegNet(nn.Module):
    def __init__(self, num_classes=11, widths=WIDTHS, depths=DEPTHS, p=0.5, central=CENTRAL_UNITS):
        super().__init__()
        self.export_unpool = False
        self.enc = nn.ModuleList()
        cin = 3
        for w, d in zip(widths, depths):
            layers = conv_bn_relu(cin, w)
            for _ in range(d - 1):
                layers += conv_bn_relu(w, w)
            self.enc.append(nn.Sequential(*layers))
            cin = w
        self.dec = nn.ModuleList()
        n = len(widths)
        for i in reversed(range(n)):
            w, d = widths[i], depths[i]
            wout = widths[i - 1] if i > 0 else widths[0]
            layers = []
            for _ in range(d - 1):
                layers += conv_bn_relu(w, w)
            layers += conv_bn_relu(w, wout)
            self.dec.append(nn.Sequential(*layers))
        self.classifier = nn.Conv2d(widths[0], num_classes, 1)
        self.enc_drop = nn.ModuleDict({str(i): nn.Dropout(p) for i in central})
        self.dec_drop = nn.ModuleDict({str(i): nn.Dropout(p) for i in central})

    def dropout_modules(self):
        return list(self.enc_drop.values()) + list(self.dec_drop.values())

    def forward(self, x):
        stack = []
        for i, block in enumerate(self.enc):
            x = block(x)
            x, idx = F.max_pool2d(x, 2, 2, return_indices=True)
            stack.append((idx, x.shape))
            if str(i) in self.enc_drop:
                x = self.enc_drop[str(i)](x)
        n = len(self.enc)
        for j, block in enumerate(self.dec):
            i = n - 1 - j
            idx, _ = stack[i]
            if self.export_unpool:
                x = index_unpool(x, idx)
            else:
                x = F.max_unpool2d(x, idx, 2, 2)
            x = block(x)
            if str(i) in self.dec_drop:
                x = self.dec_drop[str(i)](x)
        return self.classifier(x)
