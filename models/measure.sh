#!/usr/bin/env bash
# Reproduces the numbers the model card's "metrics" and models/README.md report for a model, through
# the real CLI (node bin/segnet-uq.js; run `npm run build` first):
#   1. calibrate on CamVid val (101 frames): MC N = 10, seed 0, and --dropout off;
#   2. the robustness set (issue 30): `shift` on every 4th val frame (26, symlinked as models/README.md's
#      /tmp/val4 recipe) under impulse-noise, defocus-blur, pixelate (held out of the robust training)
#      and gaussian-noise at severities 2 and 3, seed 0: MC N = 8, --dropout off, and N = 8 --tta flip;
#   3. bench/model-numbers.ts: one markdown table from those JSON files, OUT/metrics.json to paste
#      into the card's "metrics", and every number of CARD's metrics that the runs do not reproduce.
# Usage: bash models/measure.sh [MODEL.onnx [CARD.json [OUT]]]
#   defaults: the shipped model, the card beside it, reports/measure/MODEL-NAME
#   env: CAMVID (default ../shared/datasets/camvid), STEPS (default "val-mc10 val-off shift-mc8 shift-off shift-mc8-flip"; add
#   "sweep" for the card's mcDropoutN50, `samples --counts 1,2,5,10,20,50`: about 4x the time of val-mc10).
# A step whose output is already there is kept (delete its folder to run it again; a stopped shift run
# resumes). Wall seconds per step go to OUT/times.tsv. Long: run it niced in the background, e.g.
#   nice -n 10 bash models/measure.sh > reports/measure.log 2>&1 &
set -euo pipefail
# all in one function, so bash parses the whole file before running (an edit during a run cannot shift it)
main() {
cd "$(dirname "$0")/.."
MODEL=${1:-models/bayesian-segnet-camvid.onnx}
CARD=${2:-${MODEL%.onnx}.json}
OUT=${3:-reports/measure/$(basename "${MODEL%.onnx}")}
CAMVID=${CAMVID:-../shared/datasets/camvid}
STEPS=${STEPS:-val-mc10 val-off shift-mc8 shift-off shift-mc8-flip}
for f in "$MODEL" "$CARD" dist/lib/index.js; do [ -e "$f" ] || { echo "measure.sh: $f not found (dist/: npm run build)" >&2; exit 2; }; done
for d in "$CAMVID/val" "$CAMVID/valannot"; do [ -d "$d" ] || { echo "measure.sh: $d is not a folder (set CAMVID)" >&2; exit 2; }; done

mkdir -p "$OUT/logs"
VAL=$(cd "$CAMVID/val" && pwd)
LABELS=$(cd "$CAMVID/valannot" && pwd)
# the robustness set: every 4th val frame (natural order, as `ls | awk 'NR%4==1'`), symlinked
VAL4="$OUT/val4"
if [ ! -d "$VAL4" ]; then
  mkdir -p "$VAL4.tmp"
  ls "$VAL" | awk 'NR%4==1' | while read -r f; do ln -s "$VAL/$f" "$VAL4.tmp/$f"; done
  mv "$VAL4.tmp" "$VAL4"
fi
SHIFT_SET="--corruptions impulse-noise,defocus-blur,pixelate,gaussian-noise --severities 2,3 --seed 0"
CLI=(node bin/segnet-uq.js)
M=(--model "$MODEL" --card "$CARD")

# step NAME RESULT-FILE ARGS...: runs the CLI unless RESULT-FILE exists; logs and times it
step() {
  local name=$1 result=$2; shift 2
  case " $STEPS " in *" $name "*) ;; *) return 0 ;; esac
  if [ -e "$OUT/$name/$result" ] && ! grep -q '"complete": false' "$OUT/$name/$result"; then
    echo "$name: kept $OUT/$name/$result"; return 0
  fi
  local resume=()
  [ -e "$OUT/$name/$result" ] && [ "$result" = shift.json ] && resume=(--resume)
  echo "$name: ${CLI[*]} $* --out $OUT/$name ${resume[*]}"
  local t0; t0=$(date +%s)
  "${CLI[@]}" "$@" "${M[@]}" --out "$OUT/$name" -q "${resume[@]}" > "$OUT/logs/$name.log" 2>&1 \
    || { echo "$name failed (exit $?): $OUT/logs/$name.log" >&2; tail -5 "$OUT/logs/$name.log" >&2; exit 1; }
  local s=$(( $(date +%s) - t0 ))
  printf '%s\t%s\n' "$name" "$s" >> "$OUT/times.tsv"
  echo "$name: ${s} s"
}

step val-mc10 calibration.json calibrate "$VAL" --labels "$LABELS" --samples 10 --seed 0 --no-images
step val-off calibration.json calibrate "$VAL" --labels "$LABELS" --dropout off --no-images
step shift-mc8 shift.json shift "$VAL4" --labels "$LABELS" $SHIFT_SET --samples 8
step shift-off shift.json shift "$VAL4" --labels "$LABELS" $SHIFT_SET --dropout off
step shift-mc8-flip shift.json shift "$VAL4" --labels "$LABELS" $SHIFT_SET --samples 8 --tta flip
step sweep samples.json samples "$VAL" --labels "$LABELS" --counts 1,2,5,10,20,50 --seed 0

npx tsx bench/model-numbers.ts "$OUT" "$CARD"
}
main "$@"; exit $?
