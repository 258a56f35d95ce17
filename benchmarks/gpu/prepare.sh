#!/usr/bin/env bash
# Run HERE (not on the GPU machine): builds everything the device check needs into target/gpu, which the
# device tool carries (it must stay under 64 MiB with the working tree): a jlink'ed Java runtime, the
# classes, the kernels (cuda/*.fatbin inside target/classes) and the dependency jars, JUnit's console.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. scripts/jdk.sh
scripts/mvn -Pbench -DskipTests package
scripts/mvn -Pbench -DskipTests test-compile
out=target/gpu
rm -rf "$out"
mkdir -p "$out/lib"
mvn -q -B -Pbench dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$out/lib" >/dev/null
# the GPU machine needs neither the JMH processor nor bytedeco's 20 MB OpenBLAS twice: keep what runs
cp -r target/classes "$out/classes"
cp -r target/test-classes "$out/test-classes"
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.compiler,java.management,java.sql,java.xml,java.logging,\
jdk.unsupported,jdk.management,jdk.zipfs,java.desktop --strip-debug --no-header-files --no-man-pages \
  --compress=zip-9 --output "$out/runtime"
if ! ls "$out/lib"/junit-platform-console-standalone-*.jar >/dev/null 2>&1; then
  mvn -q -B dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1 \
    -DoutputDirectory="$out/lib" >/dev/null
fi
du -sh "$out" "$out"/*
