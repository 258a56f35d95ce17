// Blocked right-looking Cholesky A = L L^T of a row-major matrix (leading dimension ld) whose lower triangle is
// set, in place, float64, on rows and columns [k0, end) of one diagonal block at a time. Per block column of
// width 32: sf_potrf_diag factors the diagonal block in shared memory (one block of 32 x 32 threads) and records
// the first pivot that is not positive (or NaN) in *info, as LAPACK's info; sf_trsm_panel solves the rows below
// it up to `end` (one thread per row); sf_syrk_update subtracts the panel's outer product from the trailing lower
// triangle up to `end` in 16 x 16 tiles. With cuBLAS, the host runs these on diagonal blocks of at most 256 of a
// recursive factorisation and hands the panel solves and updates between them to DTRSM and DSYRK
// (DeviceLinalg); without it, on the whole matrix.
#define SF_CB 32
#define SF_TILE 16

extern "C" __global__ void __launch_bounds__(SF_CB * SF_CB) sf_potrf_diag(double* __restrict__ a, long long ld, long long k0, int kb,
                                         int* __restrict__ info) {
  __shared__ double s[SF_CB][SF_CB + 1];
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
  double x[SF_CB];
  for (int j = 0; j < kb; j++) {
    double v = a[i * ld + k0 + j];
    for (int l = 0; l < j; l++) v -= x[l] * a[(k0 + j) * ld + k0 + l];
    x[j] = v / a[(k0 + j) * ld + k0 + j];
  }
  for (int j = 0; j < kb; j++) a[i * ld + k0 + j] = x[j];
}

extern "C" __global__ void sf_syrk_update(double* __restrict__ a, long long ld, long long end, long long k0, int kb) {
  const long long start = k0 + kb;
  const long long i0 = start + (long long)blockIdx.y * SF_TILE, j0 = start + (long long)blockIdx.x * SF_TILE;
  if (j0 > i0 + SF_TILE - 1) return;  // a tile above the diagonal
  __shared__ double li[SF_TILE][SF_CB + 1];
  __shared__ double lj[SF_TILE][SF_CB + 1];
  const int ty = threadIdx.y, tx = threadIdx.x;
  for (int l = tx; l < kb; l += SF_TILE) {
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
