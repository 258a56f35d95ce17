#!/usr/bin/env bash
# JMH benchmarks of the CPU engine (benchmarks/jmh): Gram construction and Cholesky + solve.
# Builds with the bench profile (adds benchmarks/jmh as a source root, runs JMH's annotation processor and
# puts jmh-core on target/classpath.txt), then runs JMH; results go to benchmarks/out/jmh.json.
#   benchmarks/jmh.sh                       # every benchmark, short runs (-wi 2 -i 5 -f 1)
#   benchmarks/jmh.sh GramBench -p n=8192   # extra arguments go to JMH (a regexp selects benchmarks;
#                                           # -wi/-w/-i/-r/-f/-rf/-rff/-foe given here replace the defaults)
#   SKIP_BUILD=1 benchmarks/jmh.sh ...      # reuse the last -Pbench build
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/jdk.sh
if [ -z "${SKIP_BUILD:-}" ]; then
  scripts/mvn -Pbench -DskipTests package
fi
if [ ! -f target/classes/META-INF/BenchmarkList ] || ! grep -q jmh-core target/classpath.txt; then
  echo "benchmarks/jmh.sh: target/ holds no -Pbench build (no BenchmarkList or no jmh-core on the class path);" \
       "run without SKIP_BUILD" >&2
  exit 3
fi
mkdir -p benchmarks/out
# Short runs by default; an option given on the command line replaces its default (JMH refuses repeats).
defaults=(-foe true -wi 2 -w 2s -i 5 -r 2s -f 1 -rf json -rff benchmarks/out/jmh.json)
args=()
for ((k = 0; k < ${#defaults[@]}; k += 2)); do
  opt=${defaults[k]}
  given=
  for a in "$@"; do [ "$a" = "$opt" ] && given=1; done
  [ -n "$given" ] || args+=("$opt" "${defaults[k + 1]}")
done
# Shared machines: wait (at most QUIET_MAX s, default 600; 0 = do not wait) for 3 idle seconds, and say
# afterwards how many CPU-seconds other processes used during the run.
tck=$(getconf CLK_TCK)
busy() { awk -v t="$tck" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8) / t }' /proc/stat; }
waited=0
while [ "${QUIET_MAX:-600}" -gt 0 ]; do
  a=$(busy); sleep 3; b=$(busy)
  awk -v a="$a" -v b="$b" 'BEGIN { exit !(b - a < 0.15) }' && break
  [ "$waited" -gt 0 ] || echo "benchmarks/jmh.sh: waiting for an idle machine" >&2
  waited=$((waited + 3))
  [ "$waited" -lt "${QUIET_MAX:-600}" ] || break
done
children() {  # CPU seconds of this shell's finished children, from `times` run in this shell, into $1
  times >"$root/benchmarks/out/.times"
  printf -v "$1" '%s' "$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/);
    printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$root/benchmarks/out/.times")"
}
children c0
b0=$(busy)
# target/classpath.txt is written in prepare-package with runtime scope: under -Pbench it lists jmh-core and
# its dependencies (jopt-simple, commons-math3), so it is all JMH needs.
rc=0
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "target/classes:$(cat target/classpath.txt)" org.openjdk.jmh.Main "${args[@]}" "$@" || rc=$?
b1=$(busy)
children c1
awk -v b0="$b0" -v b1="$b1" -v c0="$c0" -v c1="$c1" 'BEGIN { o = (b1 - b0) - (c1 - c0); if (o < 0) o = 0;
  printf "benchmarks/jmh.sh: other processes used %.1f CPU-seconds during this run%s\n", o,
    (o > 1 ? " (timings disturbed)" : "") }' >&2
exit "$rc"
