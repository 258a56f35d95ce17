#!/usr/bin/env bash
# Side by side: the same gradient-descent steps (feature regime: mean-field net, w1 on the sphere, L1 on w2)
# through sparsefeat and through numpy, on the same data and initial weights, in one run. Prints seconds per
# step, the ratio, and how far the two final weights are apart (they must agree: same algorithm).
# usage: benchmarks/gd_vs_numpy.sh [H] [N] [D] [STEPS]   (defaults 10000 1024 5 200)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
H=${1:-10000}; N=${2:-1024}; D=${3:-5}; STEPS=${4:-200}
LR=1; LAMBDA=1e-4
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
./sparsefeat data --d "$D" --n "$N" --n-test 4 --target teacher --teacher-width 1e5 --seed 0 \
  --out-x "$work/X.npy" --out-y "$work/y.npy" --out-x-test "$work/Xt.npy" --out-y-test "$work/yt.npy" >/dev/null
python3 - "$work" "$H" "$D" <<'PY'
import sys, numpy as np
work, h, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
W1 = rng.standard_normal((h, d)); W1 /= np.linalg.norm(W1, axis=1, keepdims=True)
np.save(f"{work}/W1.npy", W1); np.save(f"{work}/w2.npy", 1e-3 * rng.standard_normal(h))
PY
mkdir -p "$work/sf" "$work/np"
echo "gd_vs_numpy: h=$H n=$N d=$D steps=$STEPS (float64, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
t0=$(date +%s.%N)
./sparsefeat train --x-train "$work/X.npy" --y-train "$work/y.npy" --x-test "$work/Xt.npy" --y-test "$work/yt.npy" \
  --init-w1 "$work/W1.npy" --init-w2 "$work/w2.npy" --sphere-w1 --reg l1 --lambda "$LAMBDA" --lr "$LR" \
  --max-steps "$STEPS" --save-freq 1000000000 --progress none --out "$work/sf.json" --save-weights "$work/sf" >/dev/null
t1=$(date +%s.%N)
python3 benchmarks/gd_numpy.py "$work/X.npy" "$work/y.npy" "$work/W1.npy" "$work/w2.npy" "$LR" "$LAMBDA" "$STEPS" \
  "$work/np" > "$work/np.json"
python3 - "$work" "$t0" "$t1" <<'PY'
import json, sys, numpy as np
work, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
sf = json.load(open(f"{work}/sf.json")); npr = json.load(open(f"{work}/np.json"))
sf_step = sf["seconds"]["train"] / sf["steps"]
np_step = npr["seconds_per_step"]
dw = max(np.max(np.abs(np.load(f"{work}/sf/{f}") - np.load(f"{work}/np/{f}"))) / np.max(np.abs(np.load(f"{work}/np/{f}")))
         for f in ("w1.npy", "w2.npy"))
print(f"sparsefeat: {sf_step * 1e3:8.2f} ms/step (train phase, {sf['steps']} steps, whole process {float(t1) - float(t0):.1f} s)")
print(f"numpy     : {np_step * 1e3:8.2f} ms/step")
print(f"ratio     : {np_step / sf_step:8.1f}x faster")
print(f"weights   : max relative difference {dw:.1e} -> {'PASS' if dw < 1e-8 else 'FAIL'}")
PY
