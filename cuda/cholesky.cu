// Blocked right-looking Cholesky A = L L^T of a row-major matrix (leading dimension ld) whose lower triangle is
// set, in place, float64, on rows and columns [k0, end) of one diagonal block at a time. Every version records
// the first pivot that is not positive (or is NaN) in *info as LAPACK's info (its global index + 1, first by
// atomicCAS) and carries on with NaN, so that the verdict is the CPU backend's (linalg/Pivots).
//
// Two leaves, side by side (DeviceLinalg picks one: -Dsparsefeat.cuda.choleskyLeaf=64, the default, or 32):
//
// 1. Leaf 32, the slow obvious version, kept to time against. Per block column of width 32: sf_potrf_diag factors
//    the 32 x 32 diagonal block in shared memory (1024 threads, one of them taking each square root, three
//    barriers a column); sf_trsm_panel solves the rows below it up to `end` (one thread per row, uncoalesced
//    reads); sf_syrk_update subtracts the panel's outer product from the trailing lower triangle in 16 x 16
//    tiles. A diagonal block of 256 is 22 launches.
// 2. Leaf 64. sf_potrf_leaf factors a whole 64 x 64 block in one launch: 256 threads, each owning one column of
//    16 rows, every thread taking the square root and reciprocal of the pivot itself (the same bits in every
//    thread), so a column costs one barrier: column j is read during step j and written in no step after j - 1.
//    The factor goes out in one coalesced pass at the end. Below the leaf, sf_trsm_panel_leaf solves 16 rows
//    per block from shared memory (coalesced loads of the panel and of L11) and sf_syrk_update_leaf updates
//    64 x 64 tiles, each thread 4 x 4 of them from shared 64 x 32 slices.
//
// With cuBLAS, the host factors diagonal blocks of at most -Dsparsefeat.cuda.choleskyBlock (default 64 for the
// 64 leaf: one launch; 256 for the 32 leaf) with these kernels in a recursive factorisation and hands the panel
// solves and updates between them to DTRSM and DSYRK (DeviceLinalg); without cuBLAS (or with choleskyBlock=all),
// the leaf's chain runs over the whole matrix.
//
// Napkin for n = 32768 on an H100 (not measured: nothing here has run on a GPU yet; GpuCheck times both leaves).
// Leaf 64: a step is one barrier of 8 warps, a DP square root and reciprocal (MUFU seeds plus Newton steps) and at
// most 16 FMAs from shared memory, ~250 cycles, so a leaf is ~64 x 250 = 16k cycles ~ 9 us at 1.75 GHz, ~12 us
// with its loads and the launch gap; 512 leaves ~ 6 ms. A 256-row block is then 4 leaves + 3 DTRSM + 3 DSYRK
// (10 host calls) where the 32 leaf made 22 launches of ours (8 potrf_diag ~ 10 us each, 7 trsm_panel ~ 10 us
// each, latency-bound on one thread per row, 7 syrk_update). Everything below the 256 level: ~23 ms before,
// ~12 ms after (128 blocks x (4 x 12 us + 6 small cuBLAS calls x ~7 us)), against ~0.25 s for cuSOLVER's dpotrf.
// The rest of the factorisation is cuBLAS's DTRSM and DSYRK at the upper levels.
#include "sf_launch.h"  // SF_CHOL_*: the launch geometry, which the host reads from libsparsefeat

extern "C" __global__ void __launch_bounds__(SF_CHOL_CB * SF_CHOL_CB) sf_potrf_diag(double* __restrict__ a, long long ld, long long k0, int kb,
                                         int* __restrict__ info) {
  __shared__ double s[SF_CHOL_CB][SF_CHOL_CB + 1];
  const int ty = threadIdx.y, tx = threadIdx.x;
  if (ty < kb && tx < kb && tx <= ty) s[ty][tx] = a[(k0 + ty) * ld + k0 + tx];
  __syncthreads();
  for (int j = 0; j < kb; j++) {
    if (ty == 0 && tx == 0) {
      const double d = s[j][j];
      if (!(d > 0.0)) {
        atomicCAS(info, 0, (int)(k0 + j + 1));
        s[j][j] = nan("");
      } else {
        s[j][j] = sqrt(d);
      }
    }
    __syncthreads();
    if (tx == 0 && ty > j && ty < kb) s[ty][j] /= s[j][j];
    __syncthreads();
    if (ty > j && ty < kb && tx > j && tx <= ty) s[ty][tx] -= s[ty][j] * s[tx][j];
    __syncthreads();
  }
  if (ty < kb && tx < kb && tx <= ty) a[(k0 + ty) * ld + k0 + tx] = s[ty][tx];
}

extern "C" __global__ void sf_trsm_panel(double* __restrict__ a, long long ld, long long end, long long k0, int kb) {
  const long long i = k0 + kb + (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= end) return;
  double x[SF_CHOL_CB];
  for (int j = 0; j < kb; j++) {
    double v = a[i * ld + k0 + j];
    for (int l = 0; l < j; l++) v -= x[l] * a[(k0 + j) * ld + k0 + l];
    x[j] = v / a[(k0 + j) * ld + k0 + j];
  }
  for (int j = 0; j < kb; j++) a[i * ld + k0 + j] = x[j];
}

extern "C" __global__ void sf_syrk_update(double* __restrict__ a, long long ld, long long end, long long k0, int kb) {
  const long long start = k0 + kb;
  const long long i0 = start + (long long)blockIdx.y * SF_CHOL_TILE, j0 = start + (long long)blockIdx.x * SF_CHOL_TILE;
  if (j0 > i0 + SF_CHOL_TILE - 1) return;  // a tile above the diagonal
  __shared__ double li[SF_CHOL_TILE][SF_CHOL_CB + 1];
  __shared__ double lj[SF_CHOL_TILE][SF_CHOL_CB + 1];
  const int ty = threadIdx.y, tx = threadIdx.x;
  for (int l = tx; l < kb; l += SF_CHOL_TILE) {
    li[ty][l] = i0 + ty < end ? a[(i0 + ty) * ld + k0 + l] : 0.0;
    lj[ty][l] = j0 + ty < end ? a[(j0 + ty) * ld + k0 + l] : 0.0;
  }
  __syncthreads();
  const long long i = i0 + ty, j = j0 + tx;
  if (i >= end || j > i) return;
  double s = 0.0;
  for (int l = 0; l < kb; l++) s += li[ty][l] * lj[tx][l];
  a[i * ld + j] -= s;
}

// ---- leaf 64

#define SF_LEAF_STRIDE (SF_CHOL_LEAF_THREADS / SF_CHOL_LEAF)  // 4: thread t owns column t % 64 of rows t / 64 + 4 k
#define SF_SYRK_K 32                                 // the panel's columns in shared memory at a time

extern "C" __global__ void __launch_bounds__(SF_CHOL_LEAF_THREADS) sf_potrf_leaf(double* __restrict__ a, long long ld,
                                                                            long long k0, int kb,
                                                                            int* __restrict__ info) {
  __shared__ double s[SF_CHOL_LEAF][SF_CHOL_LEAF + 1];  // padded: a warp reading a column s[c][j] hits 32 banks
  __shared__ double root[SF_CHOL_LEAF], inv[SF_CHOL_LEAF];
  const int c = threadIdx.x % SF_CHOL_LEAF, r0 = threadIdx.x / SF_CHOL_LEAF;
#pragma unroll
  for (int q = 0; q < SF_CHOL_LEAF / SF_LEAF_STRIDE; q++) {
    const int r = r0 + q * SF_LEAF_STRIDE;
    if (r < kb && c <= r) s[r][c] = a[(k0 + r) * ld + k0 + c];
  }
  __syncthreads();
  for (int j = 0; j < kb; j++) {
    const double d = s[j][j];
    const bool ok = d > 0.0;  // false for NaN too, as LAPACK's test
    const double rj = ok ? sqrt(d) : nan(""), ij = 1.0 / rj;
    if (threadIdx.x == 0) {
      root[j] = rj;
      inv[j] = ij;
      if (!ok) atomicCAS(info, 0, (int)(k0 + j + 1));
    }
    if (c > j && c < kb) {
      const double lc = s[c][j] * ij;  // L[c][j], as written out at the end
#pragma unroll
      for (int q = 0; q < SF_CHOL_LEAF / SF_LEAF_STRIDE; q++) {
        const int r = r0 + q * SF_LEAF_STRIDE;
        if (r >= c && r < kb) s[r][c] -= (s[r][j] * ij) * lc;
      }
    }
    __syncthreads();
  }
#pragma unroll
  for (int q = 0; q < SF_CHOL_LEAF / SF_LEAF_STRIDE; q++) {
    const int r = r0 + q * SF_LEAF_STRIDE;
    if (r < kb && c <= r) a[(k0 + r) * ld + k0 + c] = r == c ? root[c] : s[r][c] * inv[c];
  }
}

// Rows [k0 + kb, end) of columns [k0, k0 + kb) := those rows times L11^-T, L11 the factored diagonal block at k0;
// SF_CHOL_PANEL_ROWS rows per block, right-looking over the kb columns with one barrier a column.
extern "C" __global__ void __launch_bounds__(SF_CHOL_LEAF_THREADS) sf_trsm_panel_leaf(double* __restrict__ a, long long ld,
                                                                                 long long end, long long k0, int kb) {
  __shared__ double l[SF_CHOL_LEAF][SF_CHOL_LEAF + 1];
  __shared__ double p[SF_CHOL_PANEL_ROWS][SF_CHOL_LEAF + 1];
  __shared__ double inv[SF_CHOL_LEAF];
  const int c = threadIdx.x % SF_CHOL_LEAF, r0 = threadIdx.x / SF_CHOL_LEAF;
  const long long i0 = k0 + kb + (long long)blockIdx.x * SF_CHOL_PANEL_ROWS;
#pragma unroll
  for (int q = 0; q < SF_CHOL_LEAF / SF_LEAF_STRIDE; q++) {
    const int r = r0 + q * SF_LEAF_STRIDE;
    if (r < kb && c <= r) l[r][c] = a[(k0 + r) * ld + k0 + c];
  }
#pragma unroll
  for (int q = 0; q < SF_CHOL_PANEL_ROWS / SF_LEAF_STRIDE; q++) {
    const int r = r0 + q * SF_LEAF_STRIDE;
    if (c < kb && i0 + r < end) p[r][c] = a[(i0 + r) * ld + k0 + c];
  }
  if (threadIdx.x < kb) inv[threadIdx.x] = 1.0 / a[(k0 + threadIdx.x) * ld + k0 + threadIdx.x];
  __syncthreads();
  for (int j = 0; j < kb; j++) {
    if (c > j && c < kb) {
      const double lcj = l[c][j], ij = inv[j];
#pragma unroll
      for (int q = 0; q < SF_CHOL_PANEL_ROWS / SF_LEAF_STRIDE; q++) {
        const int r = r0 + q * SF_LEAF_STRIDE;
        if (i0 + r < end) p[r][c] -= (p[r][j] * ij) * lcj;
      }
    }
    __syncthreads();
  }
#pragma unroll
  for (int q = 0; q < SF_CHOL_PANEL_ROWS / SF_LEAF_STRIDE; q++) {
    const int r = r0 + q * SF_LEAF_STRIDE;
    if (c < kb && i0 + r < end) a[(i0 + r) * ld + k0 + c] = p[r][c] * inv[c];
  }
}

// The trailing lower triangle [k0 + kb, end)^2 -= P P^T, P the panel of columns [k0, k0 + kb): one 64 x 64 tile
// per block (tiles above the diagonal return at once), 16 x 16 threads, each summing rows ty + 16 a and columns
// tx + 16 b (a, b < 4) over slices of SF_SYRK_K columns of P in shared memory.
extern "C" __global__ void __launch_bounds__(SF_CHOL_LEAF_THREADS) sf_syrk_update_leaf(double* __restrict__ a, long long ld,
                                                                                  long long end, long long k0, int kb) {
  const long long start = k0 + kb;
  const long long i0 = start + (long long)blockIdx.y * SF_CHOL_LEAF, j0 = start + (long long)blockIdx.x * SF_CHOL_LEAF;
  if (j0 > i0) return;  // a tile above the diagonal
  __shared__ double pi[SF_CHOL_LEAF][SF_SYRK_K + 1];
  __shared__ double pj[SF_CHOL_LEAF][SF_SYRK_K + 1];
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  double acc[4][4] = {};
  for (int l0 = 0; l0 < kb; l0 += SF_SYRK_K) {
    const int lc = threadIdx.x % SF_SYRK_K;
#pragma unroll
    for (int q = 0; q < SF_CHOL_LEAF * SF_SYRK_K / SF_CHOL_LEAF_THREADS; q++) {
      const int r = threadIdx.x / SF_SYRK_K + q * (SF_CHOL_LEAF_THREADS / SF_SYRK_K);
      const bool in = l0 + lc < kb;
      pi[r][lc] = in && i0 + r < end ? a[(i0 + r) * ld + k0 + l0 + lc] : 0.0;
      pj[r][lc] = in && j0 + r < end ? a[(j0 + r) * ld + k0 + l0 + lc] : 0.0;
    }
    __syncthreads();
    for (int l = 0; l < SF_SYRK_K; l++) {
      double u[4], v[4];
#pragma unroll
      for (int e = 0; e < 4; e++) {
        u[e] = pi[ty + 16 * e][l];
        v[e] = pj[tx + 16 * e][l];
      }
#pragma unroll
      for (int e = 0; e < 4; e++)
#pragma unroll
        for (int f = 0; f < 4; f++) acc[e][f] += u[e] * v[f];
    }
    __syncthreads();
  }
#pragma unroll
  for (int e = 0; e < 4; e++)
#pragma unroll
    for (int f = 0; f < 4; f++) {
      const long long i = i0 + ty + 16 * e, j = j0 + tx + 16 * f;
      if (i < end && j <= i) a[i * ld + j] -= acc[e][f];
    }
}
