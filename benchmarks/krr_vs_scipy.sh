#!/usr/bin/env bash
# Side by side: `sparsefeat krr --kernel ntk --ridge 0` against the same exact KRR in numpy/scipy
# (benchmarks/krr_numpy.py), on the same NPY files, alternately, REPS times each; prints medians.
#   benchmarks/krr_vs_scipy.sh            # n = n_test = 8192, d = 5
#   benchmarks/krr_vs_scipy.sh 4096       # n = n_test = 4096 (or N=4096; N_TEST, D, REPS, TEACHER_WIDTH too)
# Each timed process waits for an idle machine first (QUIET_MAX, below), and each run reports the CPU time
# other processes used meanwhile; the summary warns when that exceeds 0.5 s.
# WARMUP (default 1) untimed runs of each side go first: on a VM the first process to touch freshly freed
# memory pays for host page faults (seen here: 2-3x slower first runs on both sides).
# Environment: SPARSEFEAT (launcher, default ./sparsefeat), PYTHON (default python3). Thread settings are
# left as they are: both sides use every core by default (Java's availableProcessors, OpenBLAS's default).
# Files go to benchmarks/out/krr_vs_scipy/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${1:-${N:-8192}}
n_test=${N_TEST:-$n}
d=${D:-5}
reps=${REPS:-3}
warmup=${WARMUP:-1}
width=${TEACHER_WIDTH:-1e5}
sf=${SPARSEFEAT:-$root/sparsefeat}
py=${PYTHON:-python3}
out=$root/benchmarks/out/krr_vs_scipy
mkdir -p "$out"
rm -f "$out"/sf_*.json "$out"/np_*.json "$out"/wall.tsv

x=$out/x.npy; y=$out/y.npy; xt=$out/x_test.npy; yt=$out/y_test.npy
echo "== data: n=$n n_test=$n_test d=$d, teacher of width $width (not timed; builds the launcher if needed)"
"$sf" data --d "$d" --n "$n" --n-test "$n_test" --target teacher --teacher-width "$width" \
  --out-x "$x" --out-y "$y" --out-x-test "$xt" --out-y-test "$yt"

echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), nproc $(nproc);" \
  "java $(. "$root/scripts/jdk.sh" && "$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p);" \
  "$("$py" -c 'import numpy, scipy, sys; print("python %s, numpy %s, scipy %s" % (sys.version.split()[0], numpy.__version__, scipy.__version__))')"
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
# Shared hosts: CPU seconds that every process on the machine used (busy) and that the host stole (steal),
# against our children's CPU seconds, so that each run shows how much other work competed with it.
tck=$(getconf CLK_TCK)
busy() { awk -v t="$tck" '/^cpu / { printf "%.2f %.2f", ($2 + $3 + $4 + $7 + $8) / t, $9 / t }' /proc/stat; }
mine() {  # sets MINE to the CPU seconds of this shell's finished children (`times` must run in this shell)
  times >"$out/.times"
  MINE=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' \
    "$out/.times")
}
others() {  # others BUSY0 STEAL0 MINE0 BUSY1 STEAL1 MINE1 -> "other processes X cpu-s, steal Y s"
  awk -v b0="$1" -v s0="$2" -v m0="$3" -v b1="$4" -v s1="$5" -v m1="$6" \
    'BEGIN { o = (b1 - b0) - (m1 - m0); if (o < 0) o = 0; printf "%.2f\t%.2f", o, s1 - s0 }'
}
# Before each timed process, wait (at most QUIET_MAX seconds, default 600; 0 = do not wait) until the
# machine has been idle for 3 s: fewer than 0.15 CPU-seconds used by anything.
quiet() {
  local waited=0 a b
  [ "${QUIET_MAX:-600}" -gt 0 ] || return 0
  while :; do
    a=$(busy | cut -d' ' -f1); sleep 3; b=$(busy | cut -d' ' -f1)
    awk -v a="$a" -v b="$b" 'BEGIN { exit !(b - a < 0.15) }' && return 0
    [ "$waited" -gt 0 ] || echo "  (waiting for an idle machine: other processes are using the CPUs)" >&2
    waited=$((waited + 3))
    if [ "$waited" -ge "${QUIET_MAX:-600}" ]; then
      echo "  (machine still busy after ${waited} s; running anyway)" >&2; return 0
    fi
  done
}
for i in $(seq 1 "$warmup"); do
  echo "warm-up $i (not timed)"
  "$sf" krr --kernel ntk --ridge 0 --x-train "$x" --y-train "$y" --x-test "$xt" --y-test "$yt" >/dev/null
  "$py" "$root/benchmarks/krr_numpy.py" "$x" "$y" "$xt" "$yt" --ridge 0 >/dev/null
done
for i in $(seq 1 "$reps"); do
  quiet
  read -r b0 s0 <<<"$(busy)"; mine; m0=$MINE; t0=$(now)
  "$sf" krr --kernel ntk --ridge 0 --x-train "$x" --y-train "$y" --x-test "$xt" --y-test "$yt" \
    --out "$out/sf_$i.json" >"$out/sf_$i.log"
  t1=$(now); mine; m1=$MINE; read -r b1 s1 <<<"$(busy)"
  o1=$(others "$b0" "$s0" "$m0" "$b1" "$s1" "$m1")
  quiet
  read -r b2 s2 <<<"$(busy)"; mine; m2=$MINE; t2=$(now)
  "$py" "$root/benchmarks/krr_numpy.py" "$x" "$y" "$xt" "$yt" --ridge 0 >"$out/np_$i.json"
  t3=$(now); mine; m3=$MINE; read -r b3 s3 <<<"$(busy)"
  o2=$(others "$b2" "$s2" "$m2" "$b3" "$s3" "$m3")
  printf '%s\t%s\t%s\t%s\t%s\n' "$i" "$(sub "$t1" "$t0")" "$(sub "$t3" "$t2")" "$o1" "$o2" >>"$out/wall.tsv"
  echo "run $i: sparsefeat $(sub "$t1" "$t0") s, numpy $(sub "$t3" "$t2") s (wall, whole process);" \
    "CPU used by other processes / stolen by the host: $(cut -f1 <<<"$o1")/$(cut -f2 <<<"$o1") s during" \
    "sparsefeat, $(cut -f1 <<<"$o2")/$(cut -f2 <<<"$o2") s during numpy"
done

"$py" - "$out" "$reps" <<'PY'
import json, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
med = statistics.median
walls = [l.split("\t") for l in open(out + "/wall.tsv").read().split("\n") if l]
foreign = max(float(v) for w in walls for v in (w[3], w[5]))
sf_wall = med(float(w[1]) for w in walls)
np_wall = med(float(w[2]) for w in walls)
sf = [json.load(open("%s/sf_%d.json" % (out, i))) for i in range(1, reps + 1)]
nps = [json.load(open("%s/np_%d.json" % (out, i))) for i in range(1, reps + 1)]

def phases(runs):
    keys = list(runs[0]["seconds"])
    return {k: med(r["seconds"][k] for r in runs) for k in keys}

sp, npp = phases(sf), phases(nps)
print()
print("n=%d n_test=%d d=%d, ridge 0, NTK; medians of %d alternating runs" % (sf[0]["n"], sf[0]["n_test"], sf[0]["d"], reps))
print("sparsefeat: %s" % sf[0]["device"])
if foreign > 0.5:
    print("WARNING: other processes used up to %.1f CPU-seconds during a run: these timings are disturbed" % foreign)
print("peer:       %s" % nps[0]["peer"])
print()
print("end to end (wall of the whole process, JVM / interpreter start and NPY loading included)")
print("  sparsefeat %8.3f s   numpy %8.3f s   numpy/sparsefeat = %.2fx   (goal >= 1.5x)" % (sf_wall, np_wall, np_wall / sf_wall))
pt = sp.get("predict_train", 0.0)
print("  sparsefeat also predicts the training set for its train MSE (predict_train, %.3f s), which numpy does"
      " not do; without it: %.3f s, ratio %.2fx" % (pt, sf_wall - pt, np_wall / (sf_wall - pt)))
print()
print("sparsefeat phases (r.json seconds): " + ", ".join("%s %.3f" % kv for kv in sp.items()))
print("numpy phases (krr_numpy.py):        " + ", ".join("%s %.3f" % kv for kv in npp.items()))
print()
sf_gram = sp["gram"] + sp["predict"]
np_gram = npp["gram_train"] + npp["gram_test"]
print("Gram phase")
print("  sparsefeat gram + predict = %.3f s: K(X,X) lower triangle only (its tiles' first touch included) +"
      " K(X_test,X) c matrix-free (every entry computed, none stored)" % sf_gram)
print("  numpy gram_train + gram_test = %.3f s: K(X,X) full + K(X_test,X) full, no matvec" % np_gram)
print("  numpy/sparsefeat = %.2fx   (goal >= 3x)" % (np_gram / sf_gram))
np_gram_mv = np_gram + npp["predict"]
print("  with the matvec on both sides (numpy + predict %.3f s = %.3f s): %.2fx" % (npp["predict"], np_gram_mv, np_gram_mv / sf_gram))
print("Cholesky: sparsefeat %.3f s, scipy %.3f s (%.2fx); solve: %.3f s vs %.3f s"
      % (sp["cholesky"], npp["cholesky"], npp["cholesky"] / sp["cholesky"], sp["solve"], npp["solve"]))
print()
sm = [r["test_mse"] for r in sf]
nm = [r["test_mse"] for r in nps]
rel = max(abs(a - b) / abs(b) for a in sm for b in nm)
print("test MSE: sparsefeat %s, numpy %s" % (", ".join("%.12e" % v for v in sorted(set(sm))), ", ".join("%.12e" % v for v in sorted(set(nm)))))
print("max relative difference %.3e: %s (tolerance 1e-6)" % (rel, "PASS" if rel <= 1e-6 else "FAIL"))
json.dump({"sparsefeat_wall_s": sf_wall, "numpy_wall_s": np_wall, "sparsefeat_phases_s": sp, "numpy_phases_s": npp,
           "end_to_end_ratio": np_wall / sf_wall, "gram_ratio": np_gram / sf_gram, "test_mse_rel_diff": rel,
           "mse_check": "PASS" if rel <= 1e-6 else "FAIL"}, open(out + "/summary.json", "w"), indent=1)
sys.exit(0 if rel <= 1e-6 else 1)
PY
