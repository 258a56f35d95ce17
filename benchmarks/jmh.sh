#!/usr/bin/env bash
# JMH benchmarks of the CPU engine (benchmarks/jmh): Gram construction and Cholesky + solve.
# Builds with the bench profile (adds benchmarks/jmh as a source root, runs JMH's annotation processor and
# puts jmh-core on target/classpath.txt), then runs JMH; results go to benchmarks/out/jmh.json.
#   benchmarks/jmh.sh                       # every benchmark, short runs (-wi 2 -i 5 -f 1)
#   benchmarks/jmh.sh GramBench -p n=8192   # extra arguments go to JMH (a regexp selects benchmarks)
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
# target/classpath.txt is written in prepare-package with runtime scope: under -Pbench it lists jmh-core and
# its dependencies (jopt-simple, commons-math3), so it is all JMH needs.
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "target/classes:$(cat target/classpath.txt)" org.openjdk.jmh.Main \
  -foe true -wi 2 -w 2s -i 5 -r 2s -f 1 -rf json -rff benchmarks/out/jmh.json "$@"
