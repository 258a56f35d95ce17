#!/usr/bin/env bash
# The device check, run ON the GPU machine (no JDK, no network) over the working tree with target/gpu carried
# (benchmarks/gpu/prepare.sh builds it here first). Written to lose nothing when part of it fails or hangs:
# - one deadline for the whole run ($SPARSEFEAT_CHECK_DEADLINE seconds, default 480; the device tool kills a
#   command at 600): each step runs under `timeout -k 5` with the smaller of its own limit and the time left, says
#   when it starts and ends and with which exit code, and is skipped, saying so, when under 20 s remain;
# - everything goes to files under $OUT (at most 8, plain names: the device tool returns no more) as it happens:
#   check.log (all output), machine.txt, smoke-jcuda.log, smoke-ffm.log, peers.txt, gpucheck.md, bench.tgz,
#   junit.log;
# - most information first: the machine, a smoke run of every kernel at toy sizes through each driver binding
#   (and the binding's cost per launch), GpuCheck's timings and parity (each row on its own), the standard suite of
#   `sparsefeat bench` on the GPU (bench.tgz: the report a user gets), the PyTorch peers (after our rows, so that a
#   hung peer costs only its own rows) and the table setting them beside ours (PeerTable), the JUnit suites of the
#   CUDA backend;
# - no JVM leaves a core dump (a crash of a 24 GiB heap could fill the machine's disk): its hs_err report is kept.
# `check.sh --emulated` runs every step the same way here, on the CPU emulator of the kernels at toy sizes (the
# dry run CI makes; no peers, as there is no PyTorch; both smoke runs bind the emulator through FFM, as JCuda
# needs a driver). SPARSEFEAT_CHECK_FAIL=<section> makes that section of
# GpuCheck throw, to see the rest still run.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
emulated=0
case "${1:-}" in
  --emulated) emulated=1 ;;
  "") ;;
  *) echo "usage: benchmarks/gpu/check.sh [--emulated]" >&2; exit 2 ;;
esac
g=target/gpu
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
deadline=${SPARSEFEAT_CHECK_DEADLINE:-480}
t0=$(date +%s)
exec > >(tee -a "$out/check.log") 2>&1
export PYTHONUNBUFFERED=1

stamp() { date -u +%H:%M:%S; }
left() { echo $(( deadline - ($(date +%s) - t0) )); }
failures=0
last_rc=0
# step NAME LIMIT FILE COMMAND...: COMMAND under the deadline, its output appended to FILE too ("-": none)
step() {
  local name=$1 limit=$2 file=$3 rc
  shift 3
  [ "$file" = "-" ] && file=/dev/null
  local l
  l=$(left)
  if [ "$l" -lt 20 ]; then
    last_rc=skipped
    echo "[$(stamp)] SKIPPED $name: ${l} s left of the ${deadline} s deadline"
    echo "SKIPPED $name: ${l} s left of the ${deadline} s deadline" >>"$file"
    failures=$((failures + 1))
    return
  fi
  [ "$limit" -gt $((l - 5)) ] && limit=$((l - 5))
  echo "[$(stamp)] START $name (limit ${limit} s, ${l} s left)"
  timeout -k 5 "$limit" "$@" 2>&1 | tee -a "$file"
  rc=${PIPESTATUS[0]}
  last_rc=$rc
  case $rc in
    0) echo "[$(stamp)] END $name: exit 0" ;;
    124|137) echo "[$(stamp)] END $name: exit $rc (killed at its limit of ${limit} s)"; failures=$((failures + 1)) ;;
    *) echo "[$(stamp)] END $name: exit $rc"; failures=$((failures + 1)) ;;
  esac
}

echo "[$(stamp)] device check$([ $emulated = 1 ] && echo ' (dry run on the CPU emulator)'), deadline ${deadline} s, files in $out"
if [ ! -f "$g/runtime.tgz" ]; then
  echo "no $g/runtime.tgz: run benchmarks/gpu/prepare.sh on the build machine first and carry target/gpu"
  exit 2
fi
rt=$(mktemp -d)
tar xzf "$g/runtime.tgz" -C "$rt"
java="$rt/runtime/bin/java"
cp="$g/classes:$g/test-classes:$(ls "$g"/lib/*.jar | grep -v console-standalone | tr '\n' ':')"
console=$(ls "$g"/lib/junit-platform-console-standalone-*.jar | head -n 1)
hs=$(mktemp -d)   # where a crashing JVM leaves its report; its head goes into check.log at the end
jflags=(--enable-native-access=ALL-UNNAMED -Djava.awt.headless=true "-XX:ErrorFile=$hs/hs_err_%p.log"
  -XX:-CreateCoredumpOnCrash)
if [ $emulated = 1 ]; then
  jflags+=(-Xmx4g "-Dsparsefeat.cudaEmulator=$PWD/target/cuda-emu/libsparsefeat_cudaemu.so")
else
  jflags+=(-Xmx24g)
fi

# cuBLAS: the loader's, else a CUDA toolkit's, else the one PyTorch's wheels bring (nvidia/cublas/lib, not on the
# loader's path). find -L: lib64 is often a symbolic link.
find_cublas() {
  if ldconfig -p 2>/dev/null | grep -qE 'libcublas\.so\.1[23] '; then
    echo "on the loader's path: $(ldconfig -p | grep -E 'libcublas\.so\.1[23] ' | head -n 1 | sed 's/.*=> //')"
    return
  fi
  local dirs=(/usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda-*/lib64 /usr/lib/x86_64-linux-gnu)
  local py
  py=$(python3 -c 'import site, sys; print(" ".join(site.getsitepackages() + [site.getusersitepackages()] + sys.path[1:]))' 2>/dev/null)
  local found
  for dir in "${dirs[@]}" $py; do
    [ -d "$dir" ] || continue
    found=$(find -L "$dir" -maxdepth 6 -name 'libcublas.so.1[23]*' -type f 2>/dev/null | sort -r | head -n 1)
    if [ -n "$found" ]; then
      export SPARSEFEAT_CUBLAS=$found
      echo "SPARSEFEAT_CUBLAS=$found"
      return
    fi
  done
  echo "none found (the Cholesky and the solves will run in our kernels alone)"
}

machine() {
  echo "== $(date -u) on $(hostname), $(uname -srm)"
  echo "== java: $("$java" -version 2>&1 | head -n 1)"
  if [ $emulated = 1 ]; then
    echo "== dry run: the CUDA emulator of cuda/emu stands in for the GPU, its cuBLAS subset for cuBLAS"
  else
    echo "== cuBLAS: ${cublas_found}"
  fi
  echo "== nvidia-smi (summary)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,memory.free,mig.mode.current,compute_cap,clocks.max.sm \
    --format=csv 2>&1 || true
  echo "== PyTorch and CuPy"
  python3 - <<'PY' 2>&1 || true
try:
    import torch
    print("torch", torch.__version__, "CUDA", torch.version.cuda, "available", torch.cuda.is_available())
    if torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        free, total = torch.cuda.mem_get_info()
        print(f"device {p.name}: {p.multi_processor_count} SMs, capability {p.major}.{p.minor}, "
              f"{free / 2**30:.1f} of {total / 2**30:.1f} GiB free")
except Exception as e:
    print("torch not usable:", e)
try:
    import cupy
    print("cupy", cupy.__version__)
except Exception as e:
    print("cupy not usable:", e)
PY
  echo "== CUDA toolkits: $(ls -d /usr/local/cuda* 2>/dev/null | tr '\n' ' ')"
  echo "== ldconfig -p | grep -E 'cuda|cublas'"
  ldconfig -p 2>/dev/null | grep -E 'cuda|cublas' || echo "(none)"
  echo "== nvidia-smi -q"
  nvidia-smi -q 2>&1 || true
}

if [ $emulated = 1 ]; then
  cublas_found="the emulator's"
else
  cublas_found=$(find_cublas)
  [ -z "${SPARSEFEAT_CUBLAS:-}" ] && case $cublas_found in SPARSEFEAT_CUBLAS=*) export SPARSEFEAT_CUBLAS=${cublas_found#SPARSEFEAT_CUBLAS=} ;; esac
fi
echo "cuBLAS: $cublas_found"
export java emulated cublas_found
export -f machine
step "machine facts" 60 "$out/machine.txt" bash -c machine

emuflag=()
[ $emulated = 1 ] && emuflag=(--emulated)
gpucheck=("$java" "${jflags[@]}" -cp "$cp" org.sparsefeat.bench.GpuCheck "${emuflag[@]}")
step "smoke: every kernel at toy sizes, JCuda binding" 120 "$out/smoke-jcuda.log" \
  env CUDA_LAUNCH_BLOCKING=1 SPARSEFEAT_CUDA_BINDING=jcuda "${gpucheck[@]}" --smoke
jcuda_rc=$last_rc
step "smoke: every kernel at toy sizes, FFM binding of the driver API" 120 "$out/smoke-ffm.log" \
  env CUDA_LAUNCH_BLOCKING=1 SPARSEFEAT_CUDA_BINDING=ffm "${gpucheck[@]}" --smoke
# a binding that crashed or failed its smoke run must not take the timings down with it
if [ "$jcuda_rc" != 0 ] && [ "$last_rc" = 0 ]; then
  export SPARSEFEAT_CUDA_BINDING=ffm
  echo "[$(stamp)] the JCuda smoke run failed (exit $jcuda_rc) and the FFM one passed: the rest runs through FFM"
fi

step "GpuCheck: timings and parity" 240 - "${gpucheck[@]}" --table "$out/gpucheck.md"

# the report a user of the machine gets from `sparsefeat bench` (README, 'Benchmarking a machine'), as one file
# (the device tool returns at most 8): bench.json, bench.csv, report.html and its plots; Ctrl-C or the step's
# limit keeps the rows that finished
benchdir=$(mktemp -d)
step "bench: sparsefeat bench --backend cuda --suite standard" 150 - "$java" "${jflags[@]}" -cp "$cp" \
  org.sparsefeat.cli.Main bench --backend cuda --suite standard --out "$benchdir/bench"
[ -d "$benchdir/bench" ] && tar czf "$out/bench.tgz" -C "$benchdir" bench
rm -rf "$benchdir"

if [ $emulated = 1 ]; then
  echo "[$(stamp)] peers skipped in the dry run (they need PyTorch on a GPU)" | tee -a "$out/peers.txt"
else
  step "peers: PyTorch float64 KRR and cuSOLVER dpotrf" 150 "$out/peers.txt" python3 benchmarks/gpu/krr_torch.py 16384
  step "peers: PyTorch autograd GD" 60 "$out/peers.txt" python3 benchmarks/gpu/gd_torch.py
  step "peers: PyTorch autograd image net flow" 60 "$out/peers.txt" python3 benchmarks/gpu/flow_torch.py 1024 10000
fi
# GpuCheck left "ours KEY SECONDS" lines in check.log, the peers "KEY SECONDS" lines in peers.txt
step "against the peers" 30 - "$java" "${jflags[@]}" -cp "$cp" org.sparsefeat.bench.PeerTable \
  --ours "$out/check.log" --peers "$out/peers.txt" --table "$out/gpucheck.md"

junit=("$java" "${jflags[@]}" -jar "$console" execute -cp "$cp" --include-engine=junit-jupiter --details=tree
  --disable-banner --disable-ansi-colors)
if [ $emulated = 1 ]; then
  step "JUnit: the CUDA backend on the emulator" 240 "$out/junit.log" "${junit[@]}" \
    --select-class org.sparsefeat.backend.cuda.EmulatedCudaParityTest \
    --select-class org.sparsefeat.backend.cuda.EmulatedCholeskyPathsTest
else
  step "JUnit: the CUDA backend (contract, parity, probe), default binding" 180 "$out/junit.log" "${junit[@]}" \
    --select-class org.sparsefeat.backend.cuda.CudaBackendTest \
    --select-class org.sparsefeat.backend.cuda.GpuCudaParityTest --select-class org.sparsefeat.backend.cuda.CudaProbeTest
  if [ "${SPARSEFEAT_CUDA_BINDING:-}" = ffm ]; then
    echo "[$(stamp)] no second JUnit run through FFM: the first already ran through it (SPARSEFEAT_CUDA_BINDING=ffm)"
  else
    step "JUnit: the parity suite through the FFM binding" 120 "$out/junit.log" \
      env SPARSEFEAT_CUDA_BINDING=ffm "${junit[@]}" --select-class org.sparsefeat.backend.cuda.GpuCudaParityTest
  fi
fi

for f in "$hs"/hs_err_*.log; do
  [ -f "$f" ] || continue
  echo "[$(stamp)] a JVM crashed; the head of its report $f:"
  head -n 60 "$f"
done
echo "[$(stamp)] launch cost by binding (the cheaper should be the default):"
grep -h "launch cost" "$out"/smoke-*.log 2>/dev/null || echo "  (no smoke run finished)"
echo "[$(stamp)] done in $(( $(date +%s) - t0 )) s, ${failures} step(s) failed or skipped; files:"
ls -l "$out"
rm -rf "$rt" "$hs"
# let tee write the last lines of check.log before this script ends
exec >&- 2>&-
wait
[ "$failures" -eq 0 ]
