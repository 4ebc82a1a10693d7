#!/usr/bin/env bash
# The real-GPU benchmark (issue "The visitor's GPU, for real"), on a machine with a GPU and
# nothing else of ours, from the folder `tests/bench/gpu-pack.sh PACK` made:
#   native   every model on the CPU (flex) and on the GPU (wgpu over Vulkan), without and with
#            burn's kernel fusion: three tables (PACK/native);
#   browser  the page in a headless Chromium on the same GPU: its CPU backend, WebGPU and its
#            `auto` choice, beside TensorFlow.js's WebGL and WebGPU backends on the same DCGAN:
#            one table (tests/bench/browser-bench.py; PACK/browser-1 and PACK/browser-2).
#
# Usage: tests/bench/gpu-bench.sh PACK [native|browser] [ITERS]
#   with neither named it runs each half whose files have all arrived and that has not run on
#   this machine yet, and names what is missing. ITERS: the native CLI's --iters, default 300 (the GPU cases run a fifth as many).
# Writes its log to $OUT/gpu-bench.log (and the browser's results to $OUT/browser-bench.json)
# when OUT is set. BROWSER_BENCH_ARGS adds to browser-bench.py's arguments (on a machine without
# a GPU, to check this script: BROWSER_BENCH_ARGS='--gpu swiftshader --quick').
set -euo pipefail
pack=$(realpath "${1:?usage: gpu-bench.sh PACK [native|browser] [ITERS]}")
what=${2:-}
if [[ "$what" =~ ^[0-9]+$ ]]; then iters=$what; what=; else iters=${3:-300}; fi
out=${OUT:-/tmp}
log=$out/gpu-bench.log
: >"$log"
say() { echo "$@" | tee -a "$log"; }

have_native() { [ -f "$pack/native/minimax.gz" ] && [ -f "$pack/native/minimax-fusion.gz" ]; }
have_browser() { [ -f "$pack/browser-1/browser.tar.xz.0" ] && [ -f "$pack/browser-2/browser.tar.xz.1" ]; }
if [ -z "$what" ]; then
  for part in native/minimax.gz native/minimax-fusion.gz browser-1/browser.tar.xz.0 browser-2/browser.tar.xz.1; do
    [ -f "$pack/$part" ] || say "not here (yet): $pack/$part"
  done
fi
run_native=0 run_browser=0
case $what in
  native) have_native || { say "$pack/native: not all here"; exit 1; }; run_native=1 ;;
  browser) have_browser || { say "$pack/browser-1 or -2: not all here"; exit 1; }; run_browser=1 ;;
  # Each half once a machine (a later call on the same warm machine runs only what is new).
  "") have_native && [ ! -f /tmp/minimax-gpu-bench.native ] && run_native=1
      have_browser && [ ! -f /tmp/minimax-gpu-bench.browser ] && run_browser=1 ;;
  *) echo "usage: gpu-bench.sh PACK [native|browser] [ITERS]" >&2; exit 2 ;;
esac
if [ "$run_native$run_browser" = 00 ]; then
  if have_native && have_browser; then
    say "both halves have run on this machine (name native or browser after $pack to run one again)"
  else
    say "nothing new to run: carry the next part in a call right after this one (the machine keeps what it has only while warm)"
  fi
  exit 0
fi

# The loader and glvnd's dispatch library (NVIDIA's Vulkan driver needs it), unless present.
# (grep reads all of ldconfig's output: `grep -q` could stop it early, failing the pipe.)
has() { ldconfig -p | grep "$1" >/dev/null; }
if ! has libvulkan.so.1 || ! has libGLdispatch.so.0; then
  debs=("$pack"/native/*.deb)
  [ -f "${debs[0]}" ] || debs=("$pack"/browser-2/*.deb)
  if [ -f "${debs[0]}" ]; then
    for f in "${debs[@]}"; do dpkg -x "$f" /; done
    ldconfig
  else
    say "no Vulkan loader (or glvnd) on this machine and none in $pack"
    exit 1
  fi
fi
# Where NVIDIA's container runtime puts the driver's file, outside the loader's search path
# (NVIDIA_ICD to name another). VK_ICD_FILENAMES for loaders older than VK_DRIVER_FILES.
nvidia_icd=${NVIDIA_ICD:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$nvidia_icd" ]; then
  export VK_DRIVER_FILES=$nvidia_icd VK_ICD_FILENAMES=$nvidia_icd
fi

say "# $(date -u +%Y-%m-%dT%H:%MZ), $(uname -m), $(nproc) cores"
if command -v nvidia-smi >/dev/null; then
  say "# $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader)"
fi
say "# Vulkan drivers: ${VK_DRIVER_FILES:-where the loader looks by default}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
# Runs a table's command, its output shown and logged as it comes (a call stopped at its limit
# keeps what came); 1 if it failed or found no GPU. The other tables still run.
run() {
  local title=$1
  shift
  say ""
  say "## $title"
  local status=0
  "$@" 2>&1 | tee "$work/table" | tee -a "$log" || status=${PIPESTATUS[0]}
  if [ "$status" != 0 ] || grep -q "skipped" "$work/table"; then
    failed=1
    return 1
  fi
}

if [ "$run_browser" = 1 ]; then
  # The two halves of the archive, checked whole, then unpacked.
  cat "$pack/browser-1/browser.tar.xz.0" "$pack/browser-2/browser.tar.xz.1" >"$work/browser.tar.xz"
  (cd "$work" && sha256sum -c --quiet "$pack/browser-2/browser.tar.xz.sha256") || {
    say "the browser's archive is damaged (its two halves from different packs?)"
    exit 1
  }
  mkdir "$work/b"
  xz -dc "$work/browser.tar.xz" | tar xf - -C "$work/b"
  rm "$work/browser.tar.xz"
  say "# $(cat "$work/b/VERSION")"
  # Chromium with its few libraries (its own Vulkan loader is in its folder).
  printf '#!/bin/sh\nLD_LIBRARY_PATH="%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "%s" "$@"\n' \
    "$work/b/browser/lib" "$work/b/browser/chromium" >"$work/b/chromium.sh"
  chmod +x "$work/b/chromium.sh"
  # shellcheck disable=SC2086 # BROWSER_BENCH_ARGS: words to add
  # (A half that ran through is not run again on this machine; one that failed is.)
  run "The page and TensorFlow.js in Chromium (WebGPU on the GPU)" \
    env PYTHONUNBUFFERED=1 python3 tests/bench/browser-bench.py --chromium "$work/b/chromium.sh" --gpu real \
    --dist "$work/b/page" --tfjs "$work/b/tfjs" --json "$out/browser-bench.json" ${BROWSER_BENCH_ARGS:-} &&
    touch /tmp/minimax-gpu-bench.browser
fi

if [ "$run_native" = 1 ]; then
  # The two CLIs.
  for name in minimax minimax-fusion; do
    gzip -dc "$pack/native/$name.gz" >"$work/$name"
    chmod +x "$work/$name"
  done
  before=$failed
  run "CPU (flex)" "$work/minimax" bench --backend flex --iters "$iters" || true
  run "GPU (wgpu), kernel fusion off (the page's build)" "$work/minimax" bench --backend wgpu --iters "$iters" || true
  run "GPU (wgpu), kernel fusion on" "$work/minimax-fusion" bench --backend wgpu --iters "$iters" || true
  [ "$failed" = "$before" ] && touch /tmp/minimax-gpu-bench.native
fi
say ""
say "log: $log"
if [ "$failed" = 1 ]; then
  say "FAILED: a table above failed or found no GPU"
  exit 1
fi
