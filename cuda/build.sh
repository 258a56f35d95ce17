#!/usr/bin/env bash
# Compiles cuda/*.cu into fat binaries (sm_90 cubin + compute_90 PTX, for H100/H200 and, through the PTX,
# later GPUs) under the directory given as $1, for the CUDA backend to load with cuModuleLoadData. Without
# nvcc it builds nothing and says so: the CPU backend does not need it (CI has nvcc 13 and checks the build).
set -euo pipefail
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
nvcc=${NVCC:-$(command -v nvcc || true)}
[ -n "$nvcc" ] || nvcc=/usr/local/cuda/bin/nvcc
if [ ! -x "$nvcc" ]; then
  echo "cuda/build.sh: no nvcc; the CUDA kernels are not built (the CPU backend does not need them)" >&2
  exit 0
fi
mkdir -p "$out"
for src in "$here"/*.cu; do
  name=$(basename "$src" .cu)
  target="$out/$name.fatbin"
  if [ -f "$target" ] && [ -z "$(find "$src" "$here/../native/include" -newer "$target" -type f -print -quit)" ]; then
    continue
  fi
  "$nvcc" -fatbin -O3 -std=c++17 -I "$here/../native/include" \
    -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90 \
    -o "$target.tmp" "$src"
  mv "$target.tmp" "$target"
done
