#!/usr/bin/env bash
# Builds a small Fishyscapes-Static-style anomaly set: foreign objects (shapes filled with
# ImageMagick's plasma and noise textures, things no road-scene training set holds) pasted onto
# road-scene frames, with their masks as anomaly label PNGs (8-bit gray: 0 inlier, 1 anomaly,
# 255 a 2-pixel ring around each object, outside the region of interest, where pasting blends).
#
# usage: make-pasted-set.sh SRC_DIR OUT_DIR [COUNT=10] [SEED=1] [WIDTH=0]
#   SRC_DIR  folder of frames (e.g. ../shared/datasets/camvid/val); every k-th is taken so COUNT spread out
#   OUT_DIR  gets images/ (the pasted frames) and labels/ (same names), for
#            segnet-uq anomaly OUT_DIR/images --anomaly-labels OUT_DIR/labels
#   WIDTH    resize the frames to this width first (0: keep their size); tests use a small one
# Same arguments, same set: object shapes, places and textures come from SEED.
# Needs ImageMagick 6 or 7 (convert or magick) and bash; nothing of the frames is stored elsewhere.
set -euo pipefail
src=${1:?usage: make-pasted-set.sh SRC_DIR OUT_DIR [COUNT] [SEED] [WIDTH]}
out=${2:?usage: make-pasted-set.sh SRC_DIR OUT_DIR [COUNT] [SEED] [WIDTH]}
count=${3:-10}
seed=${4:-1}
width=${5:-0}
if command -v magick >/dev/null 2>&1; then im=(magick); elif command -v convert >/dev/null 2>&1; then im=(convert); else
  echo "make-pasted-set.sh: ImageMagick (convert or magick) is not installed" >&2; exit 2; fi
[[ -d $src ]] || { echo "make-pasted-set.sh: $src: not a folder" >&2; exit 2; }
[[ $count =~ ^[1-9][0-9]*$ && $seed =~ ^[0-9]+$ && $width =~ ^[0-9]+$ ]] || { echo "make-pasted-set.sh: COUNT must be >= 1, SEED and WIDTH integers >= 0" >&2; exit 2; }
mapfile -t frames < <(find "$src" -maxdepth 1 -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \) | LC_ALL=C sort)
(( ${#frames[@]} > 0 )) || { echo "make-pasted-set.sh: no PNG or JPEG frame in $src" >&2; exit 2; }
(( count <= ${#frames[@]} )) || count=${#frames[@]}
step=$(( ${#frames[@]} / count ))
mkdir -p "$out/images" "$out/labels"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# a small seeded generator (bash's RANDOM differs between versions): r N -> 0..N-1 in $R
state=$(( seed * 2654435761 % 4294967296 + 12345 ))
r() { state=$(( (state * 1103515245 + 12345) % 2147483648 )); R=$(( (state / 65536) % $1 )); }

textures=(plasma:fractal 'plasma:red-yellow' 'plasma:blue-green' 'pattern:checkerboard' 'xc:magenta' 'gradient:orange-purple')
for ((k = 0; k < count; k++)); do
  frame=${frames[$(( k * step ))]}
  name=$(basename "${frame%.*}").png
  if (( width > 0 )); then "${im[@]}" "$frame" -resize "${width}x" -depth 8 "PNG24:$tmp/frame.png"; else "${im[@]}" "$frame" -depth 8 "PNG24:$tmp/frame.png"; fi
  read -r w h < <("${im[@]}" "$tmp/frame.png" -format '%w %h\n' info:)
  # the object mask: 1 to 3 shapes (ellipse, polygon, rectangle) in the lower two thirds, where the road is
  draw=()
  r 3; shapes=$(( R + 1 ))
  for ((s = 0; s < shapes; s++)); do
    r $(( w * 8 / 10 )); cx=$(( w / 10 + R ))
    r $(( h / 2 )); cy=$(( h * 2 / 5 + R ))
    r $(( w / 10 + 1 )); rx=$(( w / 25 + R ))
    r $(( h / 8 + 1 )); ry=$(( h / 30 + R ))
    r 3
    case $R in
      0) draw+=(-draw "ellipse $cx,$cy $rx,$ry 0,360") ;;
      1) draw+=(-draw "polygon $((cx - rx)),$((cy + ry)) $((cx + rx)),$((cy + ry)) $cx,$((cy - ry)) $((cx + rx / 2)),$((cy - ry / 3))") ;;
      *) draw+=(-draw "rectangle $((cx - rx)),$((cy - ry)) $((cx + rx)),$((cy + ry))") ;;
    esac
  done
  "${im[@]}" -size "${w}x${h}" xc:black +antialias -fill white "${draw[@]}" -depth 8 "PNG24:$tmp/mask.png"
  r ${#textures[@]}; texture=${textures[$R]}
  "${im[@]}" -seed $(( seed * 1000 + k )) -size "${w}x${h}" "$texture" -attenuate 0.6 +noise Gaussian -depth 8 "PNG24:$tmp/texture.png"
  "${im[@]}" "$tmp/frame.png" "$tmp/texture.png" "$tmp/mask.png" -composite -depth 8 -define png:exclude-chunks=date,time "PNG24:$out/images/$name"
  # label: 1 on the object, 255 on a 2-pixel ring around it, 0 elsewhere (8-bit gray, values as they are)
  "${im[@]}" "$tmp/mask.png" -colorspace Gray -morphology Dilate Square:2 "$tmp/ring.png"
  "${im[@]}" "$tmp/ring.png" "$tmp/mask.png" -colorspace Gray -fx 'v > 0.5 ? 1/255 : (u > 0.5 ? 1 : 0)' \
    -depth 8 -define png:color-type=0 -define png:bit-depth=8 -define png:exclude-chunks=date,time "$out/labels/$name"
done
echo "$count pasted frames in $out/images, anomaly labels in $out/labels"
