#!/usr/bin/env bash
# The benchmark guard (CI runs it after the tests): short single-threaded JMH runs of the hot paths (GuardBench:
# Gram tiles, the matrix-free prediction, a whole small KRR fit + predict, a GD step, the teacher, a small
# Cholesky) and of a pure-Java yardstick, all in one JVM. Each hot
# path's time over the yardstick's is compared with benchmarks/guard/baseline.json; the guard fails when one is
# slower than its baseline by more than GUARD_MARGIN (default 1.5x; BENCHMARKS.md, section 8, says why).
# A failing benchmark is measured once more and fails only if the second run agrees (noise on shared machines).
# Then the self-test: the same run on the baseline x86-64 build of the native loops (SPARSEFEAT_ISA=generic),
# which the guard must fail.
#   benchmarks/guard.sh               # build (-Pbench), guard, self-test; exit 0 if all went as they must
#   benchmarks/guard.sh --quick       # the guard alone, no self-test
#   benchmarks/guard.sh --force-slow  # the guard on the generic build alone: exits 1, shows the failing table
#   benchmarks/guard.sh --update      # measure and rewrite benchmarks/guard/baseline.json (commit it)
#   SKIP_BUILD=1 benchmarks/guard.sh  # reuse the last -Pbench build
# Exit: 0 ok, 1 a hot path regressed (or the self-test's slow path was not caught), 2 usage, 3 build/run failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mode=check
case "${1:-}" in
  "") ;;
  --quick) mode=quick ;;
  --force-slow) mode=slow ;;
  --update) mode=update ;;
  -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "benchmarks/guard.sh: unknown option '$1'; expected --quick, --force-slow, --update or nothing" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "benchmarks/guard.sh: one option at most, got $*" >&2; exit 2; }
margin=${GUARD_MARGIN:-1.5}
if ! awk -v m="$margin" 'BEGIN { exit !(m ~ /^[0-9]+(\.[0-9]+)?$/ && m + 0 > 1) }'; then
  echo "benchmarks/guard.sh: GUARD_MARGIN must be a number above 1 (a factor, e.g. 1.5), got '$margin'" >&2
  exit 2
fi
baseline=benchmarks/guard/baseline.json
out=benchmarks/out/guard
mkdir -p "$out"
. scripts/jdk.sh
if [ -z "${SKIP_BUILD:-}" ]; then
  echo "benchmark guard: building with -Pbench (log: $out/build.log)"
  scripts/mvn -Pbench -DskipTests package >"$out/build.log" 2>&1 || { tail -n 30 "$out/build.log" >&2; exit 3; }
fi
if ! grep -q GuardBench target/classes/META-INF/BenchmarkList 2>/dev/null || ! grep -q jmh-core target/classpath.txt; then
  echo "benchmarks/guard.sh: target/ holds no -Pbench build with GuardBench; run without SKIP_BUILD" >&2
  exit 3
fi

# jmh NAME REGEXP [ENV...]: one JMH run in one JVM (-f 0, so that the yardstick shares the hot paths' JVM and
# machine state), 2 warm-up and 5 measured iterations of 1 s per benchmark, into $out/NAME.json.
jmh() {
  local name=$1 select=$2
  shift 2
  local log="$out/$name.log"
  if ! env "$@" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xms1g -Xmx1g \
      -XX:+AlwaysPreTouch -cp "target/classes:$(cat target/classpath.txt)" org.openjdk.jmh.Main "$select" \
      -f 0 -foe true -t 1 -wi 2 -w 1s -i 5 -r 1s -rf json -rff "$out/$name.json" >"$log" 2>&1; then
    echo "benchmarks/guard.sh: the JMH run failed (log: $log):" >&2
    grep -v '^#\|^$' "$log" | tail -n 20 >&2
    exit 3
  fi
  grep -a -o -m 1 'GuardBench on.*' "$log" || true  # -a: JMH's log holds a stray control byte
}

# guard NAME [ENV...]: measure, compare, re-measure what failed; returns compare.py's status.
guard() {
  local name=$1
  shift
  jmh "$name" 'GuardBench' "$@"
  local failed="$out/$name.failed"
  local rc=0
  GUARD_JAVA="$JAVA_HOME/bin/java" GUARD_FAILED_FILE="$failed" python3 benchmarks/guard/compare.py check "$baseline" "$margin" "$out/$name.json" || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 4 ] && return "$rc"   # 4: a baseline of another kind of machine
  local again
  again=$(tr ' ' '|' <"$failed" | tr -d '\n')
  echo "benchmark guard: measuring $again once more"
  jmh "$name-again" "GuardBench\.($again|yardstick)\$" "$@"
  GUARD_JAVA="$JAVA_HOME/bin/java" python3 benchmarks/guard/compare.py check "$baseline" "$margin" "$out/$name.json" \
    "$out/$name-again.json"
}

start=$SECONDS
case $mode in
  update)
    jmh update 'GuardBench'
    python3 benchmarks/guard/compare.py update "$baseline" "$margin" "$out/update.json"
    ;;
  quick)
    guard run
    ;;
  slow)
    echo "benchmark guard: forced slow path: SPARSEFEAT_ISA=generic (baseline x86-64 build of the native loops)"
    guard slow SPARSEFEAT_ISA=generic
    ;;
  check)
    rc=0
    guard run || rc=$?
    if [ "$rc" -eq 4 ]; then
      echo "benchmark guard: self-test skipped too (it needs this machine's baseline)"
      exit 0
    fi
    [ "$rc" -eq 0 ] || exit "$rc"
    echo
    echo "benchmark guard: self-test: the same run on the generic build (SPARSEFEAT_ISA=generic) must fail"
    if guard slow SPARSEFEAT_ISA=generic; then
      echo "benchmark guard: self-test FAILED: the guard did not notice the generic build" >&2
      exit 1
    fi
    echo "benchmark guard: self-test ok: the guard failed on the slow path, as it must"
    ;;
esac
echo "benchmark guard: done in $((SECONDS - start)) s (JMH runs; build not counted)"
