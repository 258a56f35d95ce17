/* Fused Gram tiles: dot products and the kernel function in one pass over a row block, so that a Gram
 * matrix is written once and never re-read. Compiled with -ffast-math so that gcc vectorises acos / exp
 * through glibc's libmvec (4 ulp at worst); inputs are checked for finiteness in Java beforehand. */
#include "sf_kernels.h"
#include "sparsefeat.h"
#include "isa.h"
#include "dispatch.h"
#include <string.h>

#define SF_GRAM_CPU_TILE 256  /* columns per tile of the CPU loops (not the GPU's SF_GRAM_TILE, sf_launch.h) */
#define SF_LANES 8  /* tiles padded to a multiple of the widest vector */
_Static_assert(SF_LANES == 8, "gram_times_rows adds its SF_LANES accumulators in a tree written for 8");

/* Every entry goes through the vector path of the loops below (the tile is padded to a multiple of
 * SF_LANES and copied out), so an entry's bits do not depend on where it sits in a tile: K(X, X) comes
 * out exactly symmetric, and any tiling or thread count gives the same matrix. */
static inline __attribute__((always_inline)) void gram_rows(
    const int id, double param, int d,
    const double* X, const double* xn, int64_t i0, int64_t i1,
    const double* Yt, const double* yn, int64_t m, int64_t j0, int64_t j1,
    int lower, int same, double* K, int64_t ldk) {
  double t[SF_GRAM_CPU_TILE] __attribute__((aligned(64)));
  double ny[SF_GRAM_CPU_TILE] __attribute__((aligned(64)));
  double kv[SF_GRAM_CPU_TILE] __attribute__((aligned(64)));
  for (int64_t i = i0; i < i1; i++) {
    int64_t end = lower && i + 1 < j1 ? i + 1 : j1;
    const double* x = X + i * d;
    const double nx = xn[i];
    for (int64_t c0 = j0; c0 < end; c0 += SF_GRAM_CPU_TILE) {
      int64_t w = end - c0 < SF_GRAM_CPU_TILE ? end - c0 : SF_GRAM_CPU_TILE;
      int64_t wp = (w + SF_LANES - 1) / SF_LANES * SF_LANES;
      for (int64_t j = 0; j < wp; j++) { t[j] = 0.0; ny[j] = j < w ? yn[c0 + j] : 1.0; }
      for (int k = 0; k < d; k++) {
        const double xk = x[k];
        const double* y = Yt + (int64_t)k * m + c0;
#pragma omp simd
        for (int64_t j = 0; j < w; j++) t[j] += xk * y[j];
      }
      /* x . x = |x|^2 exactly, so the angle of a point with itself is exactly 0: acos is infinitely
       * sensitive at 1, and a rounded dot product would otherwise put ~1e-8 into the arc-cosine kernels. */
      if (same && i >= c0 && i < c0 + w) t[i - c0] = nx * nx;
#pragma omp simd aligned(t, ny, kv : 64)
      for (int64_t j = 0; j < wp; j++) kv[j] = sf_kernel(id, t[j], nx, ny[j], param, d);
      double* out = K + i * ldk + c0;
      for (int64_t j = 0; j < w; j++) out[j] = kv[j];
    }
  }
}

#define SF_GRAM_CASE(ID) \
  case ID: gram_rows(ID, param, d, X, xn, i0, i1, Yt, yn, m, j0, j1, lower, same, K, ldk); return 0;

int SF_FN(sf_gram_block)(int id, double param, int d,
                  const double* X, const double* xn, int64_t i0, int64_t i1,
                  const double* Yt, const double* yn, int64_t m, int64_t j0, int64_t j1,
                  int lower, int same, double* K, int64_t ldk) {
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

/* Rows per pass of the fused kernel-times-vector below: a column tile of Yt (256 columns x d) is read once per
 * pass and stays in L1 while every row of the pass is reduced against it. */
#define SF_TIMES_ROWS 32

/* f[i] = sum_j k(X_i, Y_j) c_j for i in [i0, i1), matrix-free: each tile of kernel values is computed exactly
 * as gram_rows computes it (same dot products, same vector path, so the same bits as the Gram's entries) and
 * reduced against c at once into SF_LANES accumulators per row, added in a fixed tree at the end. A row's sum
 * thus has one order whatever the rows around it, the thread count or the blocks the caller splits x into. */
static inline __attribute__((always_inline)) void gram_times_rows(
    const int id, double param, int d,
    const double* X, const double* xn, int64_t i0, int64_t i1,
    const double* Yt, const double* yn, const double* c, int64_t m, int same, double* f) {
  double t[SF_GRAM_CPU_TILE] __attribute__((aligned(64)));
  double ny[SF_GRAM_CPU_TILE] __attribute__((aligned(64)));
  double cc[SF_GRAM_CPU_TILE] __attribute__((aligned(64)));
  double kv[SF_GRAM_CPU_TILE] __attribute__((aligned(64)));
  double acc[SF_TIMES_ROWS][SF_LANES] __attribute__((aligned(64)));
  for (int64_t r0 = i0; r0 < i1; r0 += SF_TIMES_ROWS) {
    int64_t r1 = i1 - r0 < SF_TIMES_ROWS ? i1 : r0 + SF_TIMES_ROWS;
    memset(acc, 0, sizeof acc);
    for (int64_t c0 = 0; c0 < m; c0 += SF_GRAM_CPU_TILE) {
      int64_t w = m - c0 < SF_GRAM_CPU_TILE ? m - c0 : SF_GRAM_CPU_TILE;
      int64_t wp = (w + SF_LANES - 1) / SF_LANES * SF_LANES;
      for (int64_t j = 0; j < wp; j++) { ny[j] = j < w ? yn[c0 + j] : 1.0; cc[j] = j < w ? c[c0 + j] : 0.0; }
      for (int64_t i = r0; i < r1; i++) {
        const double* x = X + i * d;
        const double nx = xn[i];
        for (int64_t j = 0; j < wp; j++) t[j] = 0.0;
        for (int k = 0; k < d; k++) {
          const double xk = x[k];
          const double* y = Yt + (int64_t)k * m + c0;
#pragma omp simd
          for (int64_t j = 0; j < w; j++) t[j] += xk * y[j];
        }
        if (same && i >= c0 && i < c0 + w) t[i - c0] = nx * nx;  /* as gram_rows: a point and itself */
#pragma omp simd aligned(t, ny, kv : 64)
        for (int64_t j = 0; j < wp; j++) kv[j] = sf_kernel(id, t[j], nx, ny[j], param, d);
        for (int64_t j = w; j < wp; j++) kv[j] = 0.0;  /* padding: 0, not k * 0 (an infinite k would give NaN) */
        double* a = acc[i - r0];
        for (int64_t j = 0; j < wp; j += SF_LANES)
#pragma omp simd aligned(a : 64)
          for (int l = 0; l < SF_LANES; l++) a[l] += kv[j + l] * cc[j + l];
      }
    }
    for (int64_t i = r0; i < r1; i++) {
      const double* a = acc[i - r0];
      f[i] = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
    }
  }
}

#define SF_TIMES_CASE(ID) \
  case ID: gram_times_rows(ID, param, d, X, xn, i0, i1, Yt, yn, c, m, same, f); return 0;

int SF_FN(sf_gram_times)(int id, double param, int d, const double* X, const double* xn, int64_t i0, int64_t i1,
                         const double* Yt, const double* yn, const double* c, int64_t m, int same, double* f) {
  switch (id) {
    SF_TIMES_CASE(SF_NTK)
    SF_TIMES_CASE(SF_RFK0)
    SF_TIMES_CASE(SF_RFK1)
    SF_TIMES_CASE(SF_RFK2)
    SF_TIMES_CASE(SF_RFK3)
    SF_TIMES_CASE(SF_LAPLACE)
    SF_TIMES_CASE(SF_GAUSSIAN)
    default: return -1;
  }
}

#if SF_VW == 4 && !defined(SF_GENERIC)  /* the scalar helpers: once, in the AVX2 build */
double sf_kernel_value(int id, double t, double nx, double ny, double param, int d) {
  return sf_kernel(id, t, nx, ny, param, d);
}

/* Rows [i0, i1) of the upper triangle of an n x n row-major matrix from its lower triangle, in 64 x 64 blocks so
 * that the strided reads of the lower triangle stay in cache. */
void sf_mirror_lower(double* a, int64_t n, int64_t i0, int64_t i1) {
  const int64_t b = 64;
  for (int64_t ib = i0; ib < i1; ib += b) {
    int64_t ie = ib + b < i1 ? ib + b : i1;
    for (int64_t jb = ib; jb < n; jb += b) {
      int64_t je = jb + b < n ? jb + b : n;
      for (int64_t i = ib; i < ie; i++)
        for (int64_t j = jb > i + 1 ? jb : i + 1; j < je; j++) a[i * n + j] = a[j * n + i];
    }
  }
}
#endif

/* The kernel function applied in place to rows [i0, i1) of a matrix of dot products (m columns), for
 * image-sized d, where the dot products come from a GEMM. Same vector path as the tiles above. */
int SF_FN(sf_kernel_apply)(int id, double param, int d, double* G, int64_t i0, int64_t i1, int64_t m, const double* xn,
                    const double* yn, int lower, int same) {
  if (id < SF_NTK || id > SF_GAUSSIAN) return -1;
  double kv[SF_GRAM_CPU_TILE] __attribute__((aligned(64)));
  double tt[SF_GRAM_CPU_TILE] __attribute__((aligned(64)));
  double ny[SF_GRAM_CPU_TILE] __attribute__((aligned(64)));
  for (int64_t i = i0; i < i1; i++) {
    int64_t end = lower && i + 1 < m ? i + 1 : m;
    double* row = G + i * m;
    const double nx = xn[i];
    for (int64_t c0 = 0; c0 < end; c0 += SF_GRAM_CPU_TILE) {
      int64_t w = end - c0 < SF_GRAM_CPU_TILE ? end - c0 : SF_GRAM_CPU_TILE;
      int64_t wp = (w + SF_LANES - 1) / SF_LANES * SF_LANES;
      for (int64_t j = 0; j < wp; j++) { tt[j] = j < w ? row[c0 + j] : 0.0; ny[j] = j < w ? yn[c0 + j] : 1.0; }
      if (same && i >= c0 && i < c0 + w) tt[i - c0] = nx * nx;
      switch (id) {
#define SF_APPLY_CASE(ID) case ID: _Pragma("omp simd") for (int64_t j = 0; j < wp; j++) \
        kv[j] = sf_kernel(ID, tt[j], nx, ny[j], param, d); break;
        SF_APPLY_CASE(SF_NTK) SF_APPLY_CASE(SF_RFK0) SF_APPLY_CASE(SF_RFK1) SF_APPLY_CASE(SF_RFK2)
        SF_APPLY_CASE(SF_RFK3) SF_APPLY_CASE(SF_LAPLACE) SF_APPLY_CASE(SF_GAUSSIAN)
#undef SF_APPLY_CASE
      }
      for (int64_t j = 0; j < w; j++) row[c0 + j] = kv[j];
    }
    if (lower) for (int64_t j = end; j < m; j++) row[j] = 0.0;
  }
  return 0;
}
