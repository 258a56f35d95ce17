// Fused Gram tiles on the GPU: each 16 x 16 thread block computes a 16 x 16 tile of K(X, Y), staging 16-wide
// slices of X and Y rows in shared memory for the dot products, then applies the kernel function of
// native/include/sf_kernels.h (the same source the CPU builds and its tests check) in registers. Blocks
// entirely above the diagonal of a lower-triangle Gram return at once (their entries stay zero).
// Napkin math: float64 throughput, not bandwidth, bounds it for small d: one acos per entry.
#include "sf_kernels.h"

#include "sf_launch.h"  // SF_GRAM_TILE

// The float32 option rounds each entry once, after the float64 dot product and kernel function: it halves the
// memory and the bytes written, not the arithmetic.
template <typename T>
__device__ __forceinline__ void gram_tile(int id, double param, int d, const double* __restrict__ X,
                                          const double* __restrict__ xn, long long n, const double* __restrict__ Y,
                                          const double* __restrict__ yn, long long m, int lower, int same,
                                          T* __restrict__ K, double (*xs)[SF_GRAM_TILE + 1], double (*ys)[SF_GRAM_TILE + 1]) {
  const long long i0 = (long long)blockIdx.y * SF_GRAM_TILE, j0 = (long long)blockIdx.x * SF_GRAM_TILE;
  const int ty = threadIdx.y, tx = threadIdx.x;
  const long long i = i0 + ty, j = j0 + tx;
  double t = 0.0;
  for (int k0 = 0; k0 < d; k0 += SF_GRAM_TILE) {
    xs[ty][tx] = (i0 + ty < n && k0 + tx < d) ? X[(i0 + ty) * d + k0 + tx] : 0.0;
    ys[ty][tx] = (j0 + ty < m && k0 + tx < d) ? Y[(j0 + ty) * d + k0 + tx] : 0.0;
    __syncthreads();
#pragma unroll
    for (int k = 0; k < SF_GRAM_TILE; k++) t += xs[ty][k] * ys[tx][k];
    __syncthreads();
  }
  if (i >= n || j >= m || (lower && j > i)) return;
  if (same && i == j) t = xn[i] * xn[i];  // a point and itself: angle exactly 0, as on the CPU
  K[i * m + j] = (T)sf_kernel(id, t, xn[i], yn[j], param, d);
}

// sf_gram (float64 entries) and sf_gram_f32; blocks entirely above the diagonal of a lower triangle leave at once.
#define SF_GRAM_KERNEL(NAME, T)                                                                                  \
  extern "C" __global__ void NAME(int id, double param, int d, const double* __restrict__ X,                     \
                                  const double* __restrict__ xn, long long n, const double* __restrict__ Y,      \
                                  const double* __restrict__ yn, long long m, int lower, int same,               \
                                  T* __restrict__ K) {                                                           \
    if (lower && (long long)blockIdx.x * SF_GRAM_TILE > (long long)blockIdx.y * SF_GRAM_TILE + SF_GRAM_TILE - 1) return;       \
    __shared__ double xs[SF_GRAM_TILE][SF_GRAM_TILE + 1];                                                                  \
    __shared__ double ys[SF_GRAM_TILE][SF_GRAM_TILE + 1];                                                                  \
    gram_tile<T>(id, param, d, X, xn, n, Y, yn, m, lower, same, K, xs, ys);                                     \
  }
SF_GRAM_KERNEL(sf_gram, double)
SF_GRAM_KERNEL(sf_gram_f32, float)
#undef SF_GRAM_KERNEL

// f[i] = sum_j k(X_i, Y_j) c_j without storing K (the GPU side of native/src/gram.c's sf_gram_times): a block takes
// SF_PREDICT_ROWS points, its threads stride over the centres, and each centre (a column of Yt, d x m, so that the
// threads' loads coalesce) is loaded once and reduced against the coefficient for all the block's points at once;
// the points' coordinates are the same address for every thread (a broadcast). Each thread's partial sums run in
// centre order, then a fixed tree over the threads: the same f for any grid. The entries are sf_gram's (same
// dot-product order, same sf_kernel); only the order of the sum differs from the CPU's.
// Napkin math: one acos per (point, centre) as for the Gram, but no n x m store: float64 throughput bounds it.
static_assert((SF_PREDICT_THREADS & (SF_PREDICT_THREADS - 1)) == 0, "the tree needs a power of 2");
extern "C" __global__ void sf_gram_times(int id, double param, int d, const double* __restrict__ X,
                                         const double* __restrict__ xn, long long n, const double* __restrict__ Yt,
                                         const double* __restrict__ yn, const double* __restrict__ c, long long m,
                                         int same, double* __restrict__ f) {
  __shared__ double p[SF_PREDICT_ROWS][SF_PREDICT_THREADS];
  const long long i0 = (long long)blockIdx.x * SF_PREDICT_ROWS;
  const int tx = threadIdx.x;
  long long row[SF_PREDICT_ROWS];
  double s[SF_PREDICT_ROWS];
#pragma unroll
  for (int r = 0; r < SF_PREDICT_ROWS; r++) {
    row[r] = i0 + r < n ? i0 + r : n - 1;  // past the end: the last point again, its sum never written
    s[r] = 0.0;
  }
  for (long long j = tx; j < m; j += SF_PREDICT_THREADS) {
    double t[SF_PREDICT_ROWS];
#pragma unroll
    for (int r = 0; r < SF_PREDICT_ROWS; r++) t[r] = 0.0;
    for (int k = 0; k < d; k++) {
      const double y = Yt[(long long)k * m + j];
#pragma unroll
      for (int r = 0; r < SF_PREDICT_ROWS; r++) t[r] += X[row[r] * d + k] * y;
    }
    const double ny = yn[j], cj = c[j];
#pragma unroll
    for (int r = 0; r < SF_PREDICT_ROWS; r++) {
      const double nx = xn[row[r]];
      const double tr = same && row[r] == j ? nx * nx : t[r];  // a point and itself: angle exactly 0, as sf_gram
      s[r] += sf_kernel(id, tr, nx, ny, param, d) * cj;
    }
  }
#pragma unroll
  for (int r = 0; r < SF_PREDICT_ROWS; r++) p[r][tx] = s[r];
  __syncthreads();
  for (int w = SF_PREDICT_THREADS / 2; w > 0; w >>= 1) {
    if (tx < w) {
#pragma unroll
      for (int r = 0; r < SF_PREDICT_ROWS; r++) p[r][tx] += p[r][tx + w];
    }
    __syncthreads();
  }
  if (tx < SF_PREDICT_ROWS && i0 + tx < n) f[i0 + tx] = p[tx][0];
}
