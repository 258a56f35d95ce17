#!/usr/bin/env bash
# The device check, run ON the GPU machine (no JDK, no network) over the working tree with target/gpu carried
# (benchmarks/gpu/prepare.sh builds it here first). Prints: the JVM and CUDA libraries found, the CUDA
# backend's contract tests, a parity and timing table (GpuCheck), and the PyTorch float64 reference path.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
g=target/gpu
rt=$(mktemp -d)
tar xzf "$g/runtime.tgz" -C "$rt"
java="$rt/runtime/bin/java"
cp="$g/classes:$g/test-classes:$(ls "$g"/lib/*.jar | grep -v console-standalone | tr '\n' ':')"
echo "== machine"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
"$java" -version 2>&1 | head -n 1
ls /usr/lib/x86_64-linux-gnu/libcuda.so.* /usr/local/cuda*/lib64/libcublas.so.* 2>/dev/null | head -n 5
echo "== contract tests of the CUDA backend (GPU Cholesky and GD switched on)"
export SPARSEFEAT_CUDA_GD=1 SPARSEFEAT_CUDA_CHOLESKY=1
timeout 300 "$java" --enable-native-access=ALL-UNNAMED -jar "$g"/lib/junit-platform-console-standalone-*.jar \
  execute -cp "$cp" --include-engine=junit-jupiter --select-class org.sparsefeat.backend.cuda.CudaBackendTest \
  --select-class org.sparsefeat.backend.cuda.CudaProbeTest --details=summary --disable-banner 2>&1 | tail -n 25
echo "== parity and timings (GpuCheck)"
timeout 300 "$java" --enable-native-access=ALL-UNNAMED -Xmx24g -cp "$cp" \
  org.sparsefeat.bench.GpuCheck "${1:-16384}"
echo "== PyTorch float64 reference path (Gram, then torch.linalg.solve)"
timeout 200 python3 benchmarks/gpu/krr_torch.py "${1:-16384}" || echo "PyTorch reference failed"
echo "== PyTorch autograd GD, h = 1e4, n = 1024, d = 5 (the peer of the GD row above)"
timeout 100 python3 benchmarks/gpu/gd_torch.py || echo "PyTorch GD failed"
