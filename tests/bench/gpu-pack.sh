#!/usr/bin/env bash
# Makes the folder `tests/bench/gpu-bench.sh` runs from on a GPU machine that has none of our
# tools (no Rust, no Node, no browser). Run from the repository root, after `cargo xtask dist`:
#
#   tests/bench/gpu-pack.sh PACK [native|browser]   (both unless one is named)
#
# PACK (a folder git ignores, e.g. `.gpu`) gets three folders, each small enough for one call to
# a lent machine to carry beside the repository (a call carries 64 MiB in all):
#   PACK/native     the release CLI built twice (kernel fusion off and on), stripped and gzipped,
#                   and the Debian packages (amd64) of the Vulkan loader and of glvnd (NVIDIA's
#                   driver needs its dispatch library);
#   PACK/browser-1, PACK/browser-2
#                   the two halves of one xz archive: a headless Chromium with the few libraries
#                   it needs (the npm package @sparticuz/chromium, made for machines without a
#                   desktop), the built page without its trained checkpoints, and TensorFlow.js's
#                   two bundles; the Debian packages again (a fresh machine may get this call first).
# Carry them in three calls one right after the other (the machine keeps what a call left for
# as long as it stays warm): `gpu-bench.sh` runs what has arrived, and says what is missing.
set -euo pipefail
pack=${1:?usage: gpu-pack.sh PACK [native|browser]}
what=${2:-both}
mkdir -p "$pack/native" "$pack/browser-1" "$pack/browser-2"
rm -f "$pack"/*.gz "$pack"/*.deb # the layout before the browser half

debs() {
  if ! compgen -G "$pack/native/libvulkan1_*.deb" >/dev/null; then
    lists=$(mktemp -d)
    mkdir -p "$lists/partial"
    o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
    apt-get "${o[@]}" update >/dev/null
    (cd "$pack/native" && apt-get "${o[@]}" download libvulkan1 libglvnd0)
    rm -r "$lists"
  fi
}

native() {
# Two builds with different features: run one after the other (never two cargo builds at once).
target=${CARGO_TARGET_DIR:-target}
cargo build --release -p minimax-cli --features fusion
cp "$target/release/minimax" "$pack/native/minimax-fusion"
cargo build --release -p minimax-cli
cp "$target/release/minimax" "$pack/native/minimax"
strip "$pack/native/minimax" "$pack/native/minimax-fusion"
# Stripped, each is about 65 MB; gzip takes each to about 16 MB.
gzip -9f "$pack/native/minimax" "$pack/native/minimax-fusion"
}

# The browser half's archive.
browser() {
test -f dist/index.html || { echo "no dist/: run \`cargo xtask dist\` first" >&2; exit 1; }
cp "$pack"/native/*.deb "$pack/browser-2/"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chromium_version=153.0.0
(cd "$work" && npm pack --silent "@sparticuz/chromium@$chromium_version" >/dev/null && tar xzf sparticuz-chromium-*.tgz)
mkdir -p "$work/root/browser" "$work/root/page" "$work/root/tfjs"
# Its files are brotli-compressed: Node decompresses them (the GPU machine has no brotli).
node -e '
const fs = require("fs"), zlib = require("zlib");
const [from, to] = process.argv.slice(1);
for (const f of fs.readdirSync(from).filter((f) => f.endsWith(".br"))) {
  fs.writeFileSync(`${to}/${f.slice(0, -3)}`, zlib.brotliDecompressSync(fs.readFileSync(`${from}/${f}`)));
}' "$work/package/bin" "$work/root/browser"
(cd "$work/root/browser" && for t in *.tar; do tar xf "$t" && rm "$t"; done && chmod +x chromium)
# The page as `cargo xtask dist` built it, less the checkpoints ("Start trained" only).
(cd dist && tar cf - --exclude='./pretrained/*.ckpt' .) | tar xf - -C "$work/root/page"
python3 tests/bench/browser-bench.py --fetch-tfjs --tfjs "$work/root/tfjs"
echo "@sparticuz/chromium $chromium_version; the page built at $(git rev-parse --short HEAD)" >"$work/root/VERSION"
tar cf - -C "$work/root" . | xz -9 -T0 >"$work/browser.tar.xz"
size=$(stat -c %s "$work/browser.tar.xz")
half=$(((size + 1) / 2))
rm -f "$pack"/browser-*/browser.tar.xz.*
split -b "$half" -d -a 1 "$work/browser.tar.xz" "$work/browser.tar.xz."
mv "$work/browser.tar.xz.0" "$pack/browser-1/"
mv "$work/browser.tar.xz.1" "$pack/browser-2/"
# The whole archive's checksum, checked before it is unpacked there.
(cd "$work" && sha256sum browser.tar.xz) >"$pack/browser-2/browser.tar.xz.sha256"
}

debs
case $what in
  native) native ;;
  browser) browser ;;
  both) native; browser ;;
  *) echo "usage: gpu-pack.sh PACK [native|browser]" >&2; exit 2 ;;
esac
du -sh "$pack"/*
