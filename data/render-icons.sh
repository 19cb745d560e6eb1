#!/bin/sh
# Renders the protocol icon into Pidgin's layout under OUTDIR:
#   OUTDIR/{16,22,48}/agorachat.png and OUTDIR/scalable/agorachat.svg
# usage: render-icons.sh RSVG_CONVERT SVG OUTDIR
set -eu
rsvg=$1 svg=$2 out=$3
rm -rf "$out"
for size in 16 22 48; do
  mkdir -p "$out/$size"
  "$rsvg" --width "$size" --height "$size" --output "$out/$size/agorachat.png" "$svg"
done
mkdir -p "$out/scalable"
cp "$svg" "$out/scalable/agorachat.svg"
