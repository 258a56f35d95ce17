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
scripts/mvn -Pbench dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$out/lib" >/dev/null
# keep what the check runs: the engine's dependencies minus YAML, the progress bar and JMH (plotting stays, for
# bench's report), and JUnit only as its console launcher (which bundles the Jupiter engine); the carried tree must
# stay < 64 MiB
(cd "$out/lib" && rm -f javacpp-* jsoup-* jmh-* \
  jopt-simple-* commons-math3-* jline-* junit-jupiter* \
  junit-platform-commons-* junit-platform-engine-* opentest4j-* apiguardian-* libsvm-*)
# JCuda's natives jar also holds its NVRTC, runtime and PTX-compiler bindings (25 MB unpacked): the driver API
# is all we load. Repack with Java's jar tool (no zip needed).
natives=$(realpath "$out"/lib/jcuda-natives-*.jar)
mkdir -p "$out/natives" && (cd "$out/natives" && "$JAVA_HOME/bin/jar" xf "$natives")
rm -f "$out"/natives/lib/libJNvPTXCompiler-* "$out"/natives/lib/libJNvrtc-* "$out"/natives/lib/libJCudaRuntime-*
rm "$natives" && "$JAVA_HOME/bin/jar" cf "$natives" -C "$out/natives" . && rm -rf "$out/natives"
# bytedeco's OpenBLAS jar holds three JNI builds beside the library (48 MB unpacked): the FFM binding loads only
# the four files of ffm.NativeLibraries
blas=$(realpath "$out"/lib/openblas-*-linux-x86_64.jar)
keep=org/bytedeco/openblas/linux-x86_64
mkdir -p "$out/blas" && (cd "$out/blas" && "$JAVA_HOME/bin/jar" xf "$blas" \
  $keep/libgcc_s.so.1 $keep/libquadmath.so.0 $keep/libgfortran.so.5 $keep/libopenblas.so.0)
rm "$blas" && "$JAVA_HOME/bin/jar" cf "$blas" -C "$out/blas" . && rm -rf "$out/blas"
# the kernels: cuda/build.sh builds nothing without nvcc (the CPU build does not need them), but a GPU machine does
missing=$(for cu in cuda/*.cu; do f=target/classes/cuda/$(basename "$cu" .cu).fatbin; [ -s "$f" ] || echo "$f"; done)
if [ -n "$missing" ]; then
  echo "prepare.sh: no CUDA kernels built ($(echo $missing | tr '\n' ' ')): install the CUDA toolkit's nvcc (or set" \
    "NVCC) and rerun; the device machine cannot build them" >&2
  exit 1
fi
cp -r target/classes "$out/classes"
cp -r target/test-classes "$out/test-classes"
# java.desktop: bench's report draws its plots with Java2D (headless)
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.compiler,java.desktop,java.management,java.sql,java.xml,java.logging,\
jdk.unsupported,jdk.management,jdk.zipfs --strip-debug --no-header-files --no-man-pages \
  --compress=zip-0 --output "$out/runtime"
# gzip of the uncompressed image: 32 MB, where jlink's zip-9 then gzip made 39 MB
tar czf "$out/runtime.tgz" -C "$out" runtime && rm -rf "$out/runtime"
if ! ls "$out/lib"/junit-platform-console-standalone-*.jar >/dev/null 2>&1; then
  scripts/mvn dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1 \
    -DoutputDirectory="$out/lib" >/dev/null
fi
du -sh "$out" "$out"/*
# what the device tool carries: the working tree (tracked and untracked-not-ignored files) plus target/gpu
tree=$( (git ls-files -z; git ls-files -z --others --exclude-standard) | du --files0-from=- -cb 2>/dev/null | tail -n 1 | cut -f1)
gpu=$(du -sb "$out" | cut -f1)
total=$(( (tree + gpu) / 1048576 ))
echo "carried: ${total} MiB of the device tool's 64 MiB (working tree $((tree / 1048576)) MiB, target/gpu $((gpu / 1048576)) MiB)"
if [ "$total" -ge 64 ]; then
  echo "prepare.sh: ${total} MiB is over the 64 MiB the device tool carries" >&2
  exit 1
fi
