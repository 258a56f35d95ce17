/* Fused Gram tiles: dot products and the kernel function in one pass over a row block, so that a Gram
 * matrix is written once and never re-read. Compiled with -ffast-math so that gcc vectorises acos / exp
 * through glibc's libmvec (4 ulp at worst); inputs are checked for finiteness in Java beforehand. */
#include "sf_kernels.h"
#include "sparsefeat.h"

#define SF_TILE 256

static inline __attribute__((always_inline)) void gram_rows(
    const int id, double param, int d,
    const double* X, const double* xn, int64_t i0, int64_t i1,
    const double* Yt, const double* yn, int64_t m, int64_t j0, int64_t j1,
    int lower, double* K, int64_t ldk) {
  double t[SF_TILE];
  for (int64_t i = i0; i < i1; i++) {
    int64_t end = lower && i + 1 < j1 ? i + 1 : j1;
    const double* x = X + i * d;
    const double nx = xn[i];
    for (int64_t c0 = j0; c0 < end; c0 += SF_TILE) {
      int64_t w = end - c0 < SF_TILE ? end - c0 : SF_TILE;
      for (int64_t j = 0; j < w; j++) t[j] = 0.0;
      for (int k = 0; k < d; k++) {
        const double xk = x[k];
        const double* y = Yt + (int64_t)k * m + c0;
#pragma omp simd
        for (int64_t j = 0; j < w; j++) t[j] += xk * y[j];
      }
      double* out = K + i * ldk + c0;
      const double* ny = yn + c0;
#pragma omp simd
      for (int64_t j = 0; j < w; j++) out[j] = sf_kernel(id, t[j], nx, ny[j], param, d);
    }
  }
}

#define SF_GRAM_CASE(ID) \
  case ID: gram_rows(ID, param, d, X, xn, i0, i1, Yt, yn, m, j0, j1, lower, K, ldk); return 0;

int sf_gram_block(int id, double param, int d,
                  const double* X, const double* xn, int64_t i0, int64_t i1,
                  const double* Yt, const double* yn, int64_t m, int64_t j0, int64_t j1,
                  int lower, double* K, int64_t ldk) {
  switch (id) {
    SF_GRAM_CASE(SF_NTK)
    SF_GRAM_CASE(SF_RFK0)
    SF_GRAM_CASE(SF_RFK1)
    SF_GRAM_CASE(SF_RFK2)
    SF_GRAM_CASE(SF_RFK3)
    SF_GRAM_CASE(SF_LAPLACE)
    SF_GRAM_CASE(SF_GAUSSIAN)
    default: return -1;
  }
}

double sf_kernel_value(int id, double t, double nx, double ny, double param, int d) {
  return sf_kernel(id, t, nx, ny, param, d);
}
