#!/usr/bin/env bash
# Prints, per kernel of a cuda/*.cu file (default gd.cu), what ptxas reports for sm_90 with cuda/build.sh's flags:
# registers per thread, static shared memory, stack frame and spills. No GPU needed, only nvcc; a kernel that spills
# or has a stack frame shows it here before any device time is spent.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${1:-$here/gd.cu}
nvcc=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$nvcc" -c -O3 -std=c++17 -I "$here/../native/include" -gencode arch=compute_90,code=sm_90 --resource-usage \
  -o "$tmp/k.o" "$src" 2>&1 | awk '
  /Compiling entry function/ { match($0, /function .[A-Za-z0-9_]+/); name = substr($0, RSTART + 10, RLENGTH - 10) }
  /bytes stack frame/ { stack = $1; spill = $5 + $9 }
  /Used [0-9]+ registers/ {
    regs = $0; sub(/.*Used /, "", regs); sub(/ registers.*/, "", regs)
    smem = "0"; if (match($0, /[0-9]+ bytes smem/)) smem = substr($0, RSTART, RLENGTH - 11)
    printf "%-24s %4d regs %6d B smem %4d B stack %4d B spilled\n", name, regs, smem, stack, spill
  }' | sort
