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
