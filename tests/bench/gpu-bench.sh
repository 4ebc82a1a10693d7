#!/usr/bin/env bash
# The native half of the real-GPU benchmark (issue "The visitor's GPU, for real"): on a machine
# with a GPU and nothing else of ours, times every model on the CPU (flex) and on the GPU
# (wgpu over Vulkan), without and with burn's kernel fusion, and prints the three tables.
#
# It needs only what is carried in PACK (made here by `tests/bench/gpu-pack.sh PACK`):
#   minimax.gz          the release CLI (wgpu, no fusion), stripped and gzipped
#   minimax-fusion.gz   the same with `--features fusion`
#   *.deb               the Vulkan loader and glvnd, unpacked when the machine has none
#
# Usage: tests/bench/gpu-bench.sh PACK [ITERS]   (ITERS: the CLI's --iters, default 300;
# the GPU cases run a fifth as many). Writes its log to $OUT/gpu-bench.log when OUT is set.
set -euo pipefail
pack=${1:?usage: gpu-bench.sh PACK [ITERS]}
iters=${2:-300}
log=${OUT:-/tmp}/gpu-bench.log
: >"$log"
say() { echo "$@" | tee -a "$log"; }

# The loader and glvnd's dispatch library (NVIDIA's Vulkan driver needs it), unless present.
# (grep reads all of ldconfig's output: `grep -q` could stop it early, failing the pipe.)
has() { ldconfig -p | grep "$1" >/dev/null; }
if ! has libvulkan.so.1 || ! has libGLdispatch.so.0; then
  if compgen -G "$pack/*.deb" >/dev/null; then
    for f in "$pack"/*.deb; do dpkg -x "$f" /; done
    ldconfig
  else
    say "no Vulkan loader (or glvnd) on this machine and none in $pack"
    exit 1
  fi
fi
# Where NVIDIA's container runtime puts the driver's file, outside the loader's search path
# (NVIDIA_ICD to name another).
nvidia_icd=${NVIDIA_ICD:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$nvidia_icd" ]; then
  export VK_DRIVER_FILES=$nvidia_icd
fi

say "# $(date -u +%Y-%m-%dT%H:%MZ), $(uname -m), $(nproc) cores"
if command -v nvidia-smi >/dev/null; then
  say "# $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader)"
fi
say "# Vulkan drivers: ${VK_DRIVER_FILES:-where the loader looks by default}"

# The two CLIs, unpacked beside the log.
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
for name in minimax minimax-fusion; do
  gzip -dc "$pack/$name.gz" >"$bin/$name"
  chmod +x "$bin/$name"
done

failed=0
run() {
  local title=$1
  shift
  say ""
  say "## $title"
  # A table that fails or finds no GPU is reported, and the other tables still run.
  local out
  if ! out=$("$@" 2>&1); then
    failed=1
  fi
  echo "$out" | tee -a "$log"
  if grep -q "skipped" <<<"$out"; then
    failed=1
  fi
}
run "CPU (flex)" "$bin/minimax" bench --backend flex --iters "$iters"
run "GPU (wgpu), kernel fusion off (the page's build)" "$bin/minimax" bench --backend wgpu --iters "$iters"
run "GPU (wgpu), kernel fusion on" "$bin/minimax-fusion" bench --backend wgpu --iters "$iters"
say ""
say "log: $log"
if [ "$failed" = 1 ]; then
  say "FAILED: a table above failed or found no GPU"
  exit 1
fi
