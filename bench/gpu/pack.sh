#!/usr/bin/env bash
# Prepares .gpu/ (git-ignored) for the GPU check of issue 18: what a lent GPU machine with no
# Node and no network needs. Run here, from the repository root; then see bench/gpu/README.md.
#   node.xz             this machine's node binary, xz-compressed (~24 MB from ~99 MB)
#   ort.tar.xz          onnxruntime-node (JS, package.json, the Linux x64 binding) and onnxruntime-common
#   gpu-bench.js        bench/gpu/gpu-bench.ts bundled with esbuild (onnxruntime-node left external)
#   model-fp16.bin.xz   the default model's weights as float16 (the tracked fp32 file stays behind)
#   card.json           its model card
#   *.deb               the Vulkan loader (libvulkan1), unpacked there; the NVIDIA driver brings the ICD
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=.gpu
rm -rf "$OUT"; mkdir -p "$OUT"
NODE_BIN=$(command -v node)
xz -T2 -6 -c "$NODE_BIN" > "$OUT/node.xz"
tar -C node_modules -cJf "$OUT/ort.tar.xz" onnxruntime-node/package.json onnxruntime-node/dist onnxruntime-node/bin/napi-v6/linux/x64 onnxruntime-common
npx esbuild bench/gpu/gpu-bench.ts --bundle --platform=node --target=node20 --external:onnxruntime-node --outfile="$OUT/gpu-bench.js" --log-level=warning
node "$OUT/gpu-bench.js" pack-fp16 models/bayesian-segnet-camvid.onnx "$OUT/model-fp16.bin"
xz -T2 -6 "$OUT/model-fp16.bin"
cp models/bayesian-segnet-camvid.json "$OUT/card.json"
if [ "${SKIP_DEBS:-0}" != 1 ]; then
  mkdir -p /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  # shellcheck disable=SC2086
  apt-get $o update -qq && (cd "$OUT" && apt-get $o download libvulkan1)
fi
du -ch "$OUT"/* | sed 's/^/  /'
