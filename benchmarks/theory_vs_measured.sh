#!/usr/bin/env bash
# Measured against predicted learning curves (docs/theory.md, 'Spectra and predicted curves'): ridgeless KRR with
# `sparsefeat krr` (mean test MSE over seeds) beside `sparsefeat theory` at the same n, for the NTK and k1 on the
# constant target at d = 3 and 5 and on the teacher |theta.x| (a = 1) at d = 5. Prints a Markdown table.
# Usage: benchmarks/theory_vs_measured.sh [seeds (default 4)] [sizes (default 64,256,1024,4096)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-4}
sizes=${2:-64,256,1024,4096}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sf="$root/sparsefeat"
echo "| kernel | target | d | n | measured (mean of $seeds seeds) | predicted | measured / predicted |"
echo "|---|---|---|---|---|---|---|"
for cfg in "ntk constant 3" "rfk1 constant 3" "ntk constant 5" "rfk1 constant 5" "ntk teacher 5" "rfk1 teacher 5"; do
  set -- $cfg
  kernel=$1 target=$2 d=$3
  shape=() width=()
  # the theory is for the teacher at H -> infinity; a sample needs a finite H (1e5 neurons: seconds, not minutes)
  [ "$target" = teacher ] && shape=(--teacher-power 1) width=(--teacher-width 1e5)
  "$sf" theory --kernel "$kernel" --d "$d" --target "$target" "${shape[@]}" --n "$sizes" --out "$work/pred.csv" > /dev/null
  for n in ${sizes//,/ }; do
    sum=0
    for s in $(seq 0 $((seeds - 1))); do
      "$sf" krr --kernel "$kernel" --d "$d" --n "$n" --n-test 2000 --target "$target" "${shape[@]}" "${width[@]}" --seed "$s" \
        --threads 1 --out "$work/r.json" > /dev/null
      mse=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["test_mse"])' "$work/r.json")
      sum=$(python3 -c "print($sum + $mse)")
    done
    pred=$(awk -F, -v n="$n" '$1 == n {print $2}' "$work/pred.csv")
    python3 -c "m=$sum/$seeds; p=float('$pred'); print(f'| $kernel | $target | $d | $n | {m:.3e} | {p:.3e} | {m/p:.2f} |')"
  done
done
