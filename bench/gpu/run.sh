#!/usr/bin/env bash
# The GPU check of issue 18, on the lent machine (after bench/gpu/pack.sh here), in the repo root:
#   [SAMPLES=50 REPS=3] bash bench/gpu/run.sh [--devices cpu,webgpu] [--chunks 1,2,4,8,16]
# Unpacks node, onnxruntime-node and the Vulkan loader under /tmp/gpu, rebuilds the float32
# model from its float16 weights (CPU and GPU then run the same rounded weights), exports the
# 352x480 SegNet shape with random weights from models/training when torch is there (360 is not
# a multiple of 32, which index unpooling needs), and times N=50 per image on each device and
# chunk size with the max |difference| against the CPU on the same masks. Results in $OUT
# (or .gpu/out when $OUT is unset).
set -uo pipefail
cd "$(dirname "$0")/../.."
DEVICES=cpu,webgpu; CHUNKS=1,2,4,8,16; SAMPLES=${SAMPLES:-50}; REPS=${REPS:-3}
while [ $# -gt 0 ]; do case "$1" in --devices) DEVICES=$2; shift 2;; --chunks) CHUNKS=$2; shift 2;; *) echo "unknown $1"; exit 2;; esac; done
G=/tmp/gpu; RES=${OUT:-.gpu/out}; mkdir -p "$G/node_modules" "$RES"
for f in .gpu/*.deb; do [ -e "$f" ] && dpkg -x "$f" "$G/vulkan"; done
export LD_LIBRARY_PATH="$G/vulkan/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
[ -e /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
xz -dc .gpu/node.xz > "$G/node" && chmod +x "$G/node"
tar -C "$G/node_modules" -xJf .gpu/ort.tar.xz
cp .gpu/gpu-bench.js "$G/"
NODE="$G/node"; BENCH="$G/gpu-bench.js"
(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader; "$NODE" --version) 2>&1 | tee "$RES/machine.txt"
xz -dc .gpu/model-fp16.bin.xz > "$G/model-fp16.bin"
"$NODE" "$BENCH" unpack-fp16 "$G/model-fp16.bin" "$G/segnet-288x384.onnx"
"$NODE" "$BENCH" bench --model "$G/segnet-288x384.onnx" --card .gpu/card.json --devices "$DEVICES" --chunks "$CHUNKS" --samples "$SAMPLES" --reps "$REPS" --out "$RES" 2>&1 | tee "$RES/log-288x384.txt"
PY=$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3 || true)
if [ -n "$PY" ] && "$PY" -c 'import torch' 2>/dev/null; then
  "$PY" models/training/export.py --random-init 0 --widths 32 64 128 256 256 --height 352 --width 480 --no-card --out "$G/segnet-352x480.onnx" \
    && "$NODE" "$BENCH" bench --model "$G/segnet-352x480.onnx" --card .gpu/card.json --height 352 --width 480 --devices "$DEVICES" --chunks "$CHUNKS" --samples "$SAMPLES" --reps "$REPS" --out "$RES" 2>&1 | tee "$RES/log-352x480.txt"
else
  echo "no python3 with torch: the 352x480 model was not exported" | tee "$RES/log-352x480.txt"
fi
