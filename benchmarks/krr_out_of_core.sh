#!/usr/bin/env bash
# Exact float64 KRR beyond memory: time per phase, test MSE and peak resident memory of `sparsefeat krr` for each n,
# with a memory budget that forces the out-of-core path at large n (README, 'Memory'), and the flop rate of the
# out-of-core factorisation against the in-core one (tiles in native memory) at one n, in the same run.
#   benchmarks/krr_out_of_core.sh                       # n = 4096 .. 65536, budget 8g, rate check at 16384
#   NS="4096 8192" MEMORY=1g RATE_N=8192 benchmarks/krr_out_of_core.sh
# Environment: NS, MEMORY, N_TEST (10000), D (5), RATE_N, RATE_MEMORY (1g: several panels at RATE_N), SCRATCH (a
# directory; default the system's temporary one), SPARSEFEAT (the launcher). Results: benchmarks/out/krr_ooc/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sf=${SPARSEFEAT:-$root/sparsefeat}
ns=${NS:-4096 8192 16384 32768 65536}
memory=${MEMORY:-8g}
n_test=${N_TEST:-10000}
d=${D:-5}
rate_n=${RATE_N:-16384}
rate_memory=${RATE_MEMORY:-1g}
scratch=${SCRATCH:-${TMPDIR:-/tmp}}
out=$root/benchmarks/out/krr_ooc
mkdir -p "$out"
echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), nproc $(nproc)," \
  "$(awk '/MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo), scratch on" \
  "$(df -h --output=source,avail "$scratch" | tail -1 | tr -s ' ')"

# one run: prints "mode seconds(gram cholesky solve predict total) test_mse peak_rss"
run() {
  local tag=$1; shift
  /usr/bin/time -v "$sf" krr --d "$d" --kernel ntk --target constant --ridge 0 --progress none "$@" \
    --out "$out/$tag.json" 2> "$out/$tag.err" >/dev/null || { echo "$tag failed:"; tail -5 "$out/$tag.err"; return 1; }
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.2f", $2 / 1048576 }' "$out/$tag.err")
  python3 - "$out/$tag.json" "$rss" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); s = r["seconds"]; p = r["memory_plan"]
print("%-7s %6d %6.1f %8.1f %6.1f %7.1f %8.1f %12.4e %9s GiB %7.1f GiB %s" % (
    p["mode"], r["n"], s["gram"], s["cholesky"], s["solve"], s["predict"], s["total"], r["test_mse"], sys.argv[2],
    p["matrix_bytes"] / 2**30, "est %.0f s" % p["estimated_seconds"] if p.get("estimated_seconds") else ""))
PY
}
rate() {  # GFLOP/s of the factorisation from a result file
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('%.1f' % (r['n']**3 / 3 / r['seconds']['cholesky'] / 1e9))" "$1"
}

echo "== out-of-core factorisation rate against in-core tiles, n = $rate_n (n_test 1000)"
echo "mode         n   gram cholesky  solve predict    total     test_mse  peak RSS      K"
run rate_core --n "$rate_n" --n-test 1000
run rate_ooc --n "$rate_n" --n-test 1000 --memory "$rate_memory" --scratch "$scratch"
core=$(rate "$out/rate_core.json"); ooc=$(rate "$out/rate_ooc.json")
echo "cholesky: in core $core GFLOP/s, out of core ($rate_memory budget) $ooc GFLOP/s:" \
  "$(awk -v a="$ooc" -v b="$core" 'BEGIN { printf "%.0f%%", 100 * a / b }') of in-core"

echo "== time and peak memory against n (budget $memory, n_test $n_test)"
echo "mode         n   gram cholesky  solve predict    total     test_mse  peak RSS      K"
for n in $ns; do
  run "n$n" --n "$n" --n-test "$n_test" --memory "$memory"
done
