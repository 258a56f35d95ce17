#!/usr/bin/env bash
# Builds the CPU emulator of the CUDA kernels (cuda/emu/emu.cpp with every cuda/*.cu) into the file given as $1,
# for the tests: they run the CUDA backend's kernels and its Java driver code on machines without a GPU.
set -euo pipefail
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cxx=${CXX:-g++}
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "cuda/emu/build.sh: no C++ compiler ($cxx): the emulated CUDA tests will skip; install g++ to run them" >&2
  exit 0
fi
newest=$(find "$here" "$here/.." "$here/../../native/include" -maxdepth 1 -type f -newer "$out" 2>/dev/null | head -n 1 || true)
if [ -f "$out" ] && [ -z "$newest" ]; then exit 0; fi
mkdir -p "$(dirname "$out")"
"$cxx" -O2 -g -std=c++17 -fPIC -shared -Wall -Wextra -Werror -Wno-unknown-pragmas -Wno-sign-compare \
  -Wno-unused-parameter -I "$here/../../native/include" -include "$here/cuda_emu.h" -o "$out.tmp" "$here/emu.cpp" "$here/cublas_emu.cpp" "$here/driver_emu.cpp"
mv "$out.tmp" "$out"
