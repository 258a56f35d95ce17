#!/usr/bin/env bash
# Builds libsparsefeat.so from native/src into the path given as $1 (called by the Maven build).
# gram.c gets -ffast-math so that acos/exp vectorise through libmvec; it is compiled, not linked, with it:
# linking with -ffast-math would pull in crtfastmath.o, which flushes denormals to zero process-wide.
set -euo pipefail
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cc=${CC:-gcc}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "native/build.sh: no C compiler ($cc); install gcc (apt-get install gcc)" >&2
  exit 1
fi
newest=$(find "$here/src" "$here/include" "$here/build.sh" -type f -newer "$out" 2>/dev/null | head -n 1 || true)
if [ -f "$out" ] && [ -z "$newest" ]; then exit 0; fi
obj=$(mktemp -d)
trap 'rm -rf "$obj"' EXIT
common=(-O3 -march=x86-64-v3 -mtune=generic -fPIC -fopenmp-simd -fno-math-errno -std=gnu11 -Wall -Wextra -Werror
        -I "$here/include" -I "$here/src")
v4=("${common[@]/x86-64-v3/x86-64-v4}" -mprefer-vector-width=512)
# v1: the baseline x86-64 (SSE2, no FMA) build of the same loops, never picked by itself: SPARSEFEAT_ISA=generic
# forces it, so that benchmarks/guard.sh can prove it catches a hot path that got slower.
v1=("${common[@]/x86-64-v3/x86-64}")
for isa in v1 v3 v4; do
  case $isa in
    v1) flags=("${v1[@]}" -Wno-psabi -DSF_VW=4 -DSF_ISA=v1 -DSF_GENERIC=1) ;;  # psabi: static helpers only
    v3) flags=("${common[@]}" -DSF_VW=4 -DSF_ISA=v3) ;;
    v4) flags=("${v4[@]}" -DSF_VW=8 -DSF_ISA=v4) ;;
  esac
  "$cc" "${flags[@]}" -ffast-math -c "$here/src/gram.c" -o "$obj/gram_$isa.o"
  "$cc" "${flags[@]}" -ffp-contract=off -c "$here/src/teacher.c" -o "$obj/teacher_$isa.o"
  "$cc" "${flags[@]}" -c "$here/src/gd.c" -o "$obj/gd_$isa.o"
done
"$cc" "${common[@]}" -ffast-math -c "$here/src/act.c" -o "$obj/act.o"
"$cc" "${common[@]}" -c "$here/src/dispatch.c" -o "$obj/dispatch.o"
"$cc" "${common[@]}" -c "$here/src/layout.c" -o "$obj/layout.o"
"$cc" "${common[@]}" -c "$here/src/memory.c" -o "$obj/memory.o"
"$cc" -shared -o "$out.tmp" "$obj"/*.o -lm
mv "$out.tmp" "$out"
