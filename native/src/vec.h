/* The vector type of the native loops (GCC's vector extension): SF_VW doubles, one AVX2 (4) or AVX-512 (8)
 * register as isa.h builds them; loads and stores through memcpy need no alignment. Lane sums run in one fixed
 * tree, so a result does not depend on the thread count (the two builds differ only in this tree's width). */
#ifndef SF_VEC_H
#define SF_VEC_H
#include <string.h>
#include "isa.h"

typedef double sf_vd __attribute__((vector_size(SF_VW * 8)));
typedef long long sf_vm __attribute__((vector_size(SF_VW * 8)));

static inline __attribute__((always_inline)) sf_vd sf_vload(const double* p) {
  sf_vd v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline __attribute__((always_inline)) void sf_vstore(double* p, sf_vd v) { memcpy(p, &v, sizeof v); }

/* A vector's lanes added in a fixed tree. */
static inline __attribute__((always_inline)) double sf_vhsum(sf_vd v) {
#if SF_VW == 8
  return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
#else
  return (v[0] + v[1]) + (v[2] + v[3]);
#endif
}

#endif
