#!/usr/bin/env bash
# Makes the folder `tests/bench/gpu-bench.sh` runs from on a GPU machine that has none of our
# tools: the release CLI built twice (kernel fusion off and on), stripped, and the Debian
# packages (amd64) of the Vulkan loader and of glvnd (NVIDIA's driver needs its dispatch
# library), in PACK (give a folder git ignores, e.g. `.gpu`, and carry
# it). Run from the repository root.
#
# Usage: tests/bench/gpu-pack.sh PACK
set -euo pipefail
pack=${1:?usage: gpu-pack.sh PACK}
mkdir -p "$pack"
# Two builds with different features: run one after the other (never two cargo builds at once).
target=${CARGO_TARGET_DIR:-target}
cargo build --release -p minimax-cli --features fusion
cp "$target/release/minimax" "$pack/minimax-fusion"
cargo build --release -p minimax-cli
cp "$target/release/minimax" "$pack/minimax"
strip "$pack/minimax" "$pack/minimax-fusion"
# Stripped, each is about 65 MB; gzip takes each to about 16 MB, so that the folder fits what one
# call to a lent machine carries.
gzip -9f "$pack/minimax" "$pack/minimax-fusion"
if ! compgen -G "$pack/libvulkan1_*.deb" >/dev/null; then
  lists=$(mktemp -d)
  mkdir -p "$lists/partial"
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
  apt-get "${o[@]}" update >/dev/null
  (cd "$pack" && apt-get "${o[@]}" download libvulkan1 libglvnd0)
  rm -r "$lists"
fi
du -sh "$pack"
