#!/usr/bin/env bash
# The device check, run ON the GPU machine (no JDK, no network) over the working tree with target/gpu carried
# (benchmarks/gpu/prepare.sh builds it here first). Prints: the machine and the libraries found, the peers
# (PyTorch float64 KRR, cuSOLVER's dpotrf, PyTorch autograd GD), the CUDA backend's tests (contract, parity,
# probe), then GpuCheck's table: parity and timings beside the peers. About 3 minutes on an H100.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
g=target/gpu
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
rt=$(mktemp -d)
tar xzf "$g/runtime.tgz" -C "$rt"
java="$rt/runtime/bin/java"
cp="$g/classes:$g/test-classes:$(ls "$g"/lib/*.jar | grep -v console-standalone | tr '\n' ':')"
echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
"$java" -version 2>&1 | head -n 1
# cuBLAS: the system's, else the one PyTorch's wheels bring (not on the loader's path)
if [ -z "${SPARSEFEAT_CUBLAS:-}" ]; then
  for dir in /usr/local/cuda/lib64 /usr/lib/x86_64-linux-gnu $(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null); do
    found=$(find "$dir" -maxdepth 5 -name 'libcublas.so.1[23]' 2>/dev/null | sort -r | head -n 1)
    if [ -n "$found" ]; then export SPARSEFEAT_CUBLAS=$found; break; fi
  done
fi
echo "cuBLAS: ${SPARSEFEAT_CUBLAS:-none found}"
echo "== peers (PyTorch float64 on this GPU)"
timeout 200 python3 benchmarks/gpu/krr_torch.py 16384 2>&1 | tee "$out/peers.txt" || echo "PyTorch KRR failed"
timeout 100 python3 benchmarks/gpu/gd_torch.py 2>&1 | tee -a "$out/peers.txt" || echo "PyTorch GD failed"
echo "== tests of the CUDA backend: the CPU backend's contract, GPU-vs-CPU parity, the probe"
timeout 300 "$java" --enable-native-access=ALL-UNNAMED -jar "$g"/lib/junit-platform-console-standalone-*.jar \
  execute -cp "$cp" --include-engine=junit-jupiter --select-class org.sparsefeat.backend.cuda.CudaBackendTest \
  --select-class org.sparsefeat.backend.cuda.GpuCudaParityTest --select-class org.sparsefeat.backend.cuda.CudaProbeTest \
  --details=summary --disable-banner 2>&1 | tail -n 30
echo "== the parity suite again through the FFM binding of the driver API (the fallback to JCuda)"
SPARSEFEAT_CUDA_BINDING=ffm timeout 200 "$java" --enable-native-access=ALL-UNNAMED -jar \
  "$g"/lib/junit-platform-console-standalone-*.jar execute -cp "$cp" --include-engine=junit-jupiter \
  --select-class org.sparsefeat.backend.cuda.GpuCudaParityTest --details=summary --disable-banner 2>&1 | tail -n 12
echo "== GpuCheck: parity and timings"
timeout 400 "$java" --enable-native-access=ALL-UNNAMED -Xmx24g -cp "$cp" org.sparsefeat.bench.GpuCheck \
  --peers "$out/peers.txt"
