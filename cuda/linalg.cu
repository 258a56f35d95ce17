// Level-2 linear algebra on the device around the Cholesky factor L (row-major, lower triangle, n x n), so that a
// KRR fit keeps its n x n matrix on the GPU: the ridge on the diagonal, triangular solves (blocks of 32: a
// diagonal block solved in shared memory, then the rows below or above updated by the solved block), the
// matrix-vector products of predictions. Every sum is in a fixed order (shared-memory trees), so results do not
// depend on scheduling. Memory-bound: one read of L per solve.
#include "sf_launch.h"  // SF_SOLVE_BLOCK, SF_SOLVE_ROWS, SF_GEMV_THREADS, which the host reads from libsparsefeat

extern "C" __global__ void sf_add_diagonal(double* __restrict__ a, long long n, double value) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) a[i * n + i] += value;
}

extern "C" __global__ void sf_get_diagonal(const double* __restrict__ a, long long n, double* __restrict__ out) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = a[i * n + i];
}

// The diagonal block L11 at (k0, k0) (its lower triangle) and b[k0 .. k0 + kb) into shared memory, thread t
// taking column t and entry t.
__device__ __forceinline__ void load_diagonal_block(const double* __restrict__ a, long long n, long long k0, int kb,
                                                    const double* __restrict__ b, double (*l)[SF_SOLVE_BLOCK + 1], double* x) {
  const int t = threadIdx.x;
  for (int j = 0; j < kb; j++) l[j][t] = t <= j ? a[(k0 + j) * n + k0 + t] : 0.0;
  x[t] = t < kb ? b[k0 + t] : 0.0;
  __syncthreads();
}

// Solves L11 x = b[k0 .. k0 + kb) in place, L11 the diagonal block at (k0, k0); one block of SF_SOLVE_BLOCK threads.
extern "C" __global__ void sf_trsv_diag(const double* __restrict__ a, long long n, long long k0, int kb,
                                        double* __restrict__ b) {
  __shared__ double l[SF_SOLVE_BLOCK][SF_SOLVE_BLOCK + 1];
  __shared__ double x[SF_SOLVE_BLOCK];
  const int t = threadIdx.x;
  load_diagonal_block(a, n, k0, kb, b, l, x);
  for (int j = 0; j < kb; j++) {
    if (t == j) x[j] /= l[j][j];
    __syncthreads();
    if (t > j && t < kb) x[t] -= l[t][j] * x[j];
    __syncthreads();
  }
  if (t < kb) b[k0 + t] = x[t];
}

// b[i] -= sum_j L[i][k0 + j] b[k0 + j] for the rows i >= k0 + kb: SF_SOLVE_ROWS rows per block, a row's 32 products
// summed by a tree over threadIdx.x (coalesced reads of the row).
extern "C" __global__ void sf_trsv_update(const double* __restrict__ a, long long n, long long k0, int kb,
                                          double* __restrict__ b) {
  __shared__ double p[SF_SOLVE_ROWS][SF_SOLVE_BLOCK];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const long long i = k0 + kb + (long long)blockIdx.x * SF_SOLVE_ROWS + ty;
  p[ty][tx] = i < n && tx < kb ? a[i * n + k0 + tx] * b[k0 + tx] : 0.0;
  __syncthreads();
  for (int w = SF_SOLVE_BLOCK / 2; w > 0; w >>= 1) {
    if (tx < w) p[ty][tx] += p[ty][tx + w];
    __syncthreads();
  }
  if (tx == 0 && i < n) b[i] -= p[ty][0];
}

// Solves L11^T x = b[k0 .. k0 + kb) in place (backward); one block of SF_SOLVE_BLOCK threads.
extern "C" __global__ void sf_trsv_diag_t(const double* __restrict__ a, long long n, long long k0, int kb,
                                          double* __restrict__ b) {
  __shared__ double l[SF_SOLVE_BLOCK][SF_SOLVE_BLOCK + 1];
  __shared__ double x[SF_SOLVE_BLOCK];
  const int t = threadIdx.x;
  load_diagonal_block(a, n, k0, kb, b, l, x);
  for (int j = kb - 1; j >= 0; j--) {
    if (t == j) x[j] /= l[j][j];
    __syncthreads();
    if (t < j) x[t] -= l[j][t] * x[j];
    __syncthreads();
  }
  if (t < kb) b[k0 + t] = x[t];
}

// b[i] -= sum_j L[k0 + j][i] b[k0 + j] for the rows i < k0: one thread per i (coalesced along a row of L).
extern "C" __global__ void sf_trsv_update_t(const double* __restrict__ a, long long n, long long k0, int kb,
                                            double* __restrict__ b) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= k0) return;
  double s = 0.0;
  for (int j = 0; j < kb; j++) s += a[(k0 + j) * n + i] * b[k0 + j];
  b[i] -= s;
}

// y[i] = sum_j A[i][j] x[j], j < n (lower != 0: j <= i); one block of SF_GEMV_THREADS threads per row, a fixed tree.
extern "C" __global__ void sf_gemv_rows(const double* __restrict__ a, long long m, long long n,
                                        const double* __restrict__ x, int lower, double* __restrict__ y) {
  __shared__ double p[SF_GEMV_THREADS];
  const long long i = blockIdx.x;
  const long long end = lower ? (i + 1 < n ? i + 1 : n) : n;
  double s = 0.0;
  for (long long j = threadIdx.x; j < end; j += SF_GEMV_THREADS) s += a[i * n + j] * x[j];
  p[threadIdx.x] = s;
  __syncthreads();
  for (int w = SF_GEMV_THREADS / 2; w > 0; w >>= 1) {
    if (threadIdx.x < w) p[threadIdx.x] += p[threadIdx.x + w];
    __syncthreads();
  }
  if (threadIdx.x == 0 && i < m) y[i] = p[0];
}

// partial[s][j] = sum over the rows i >= j of slab s (rows [s * rows, (s + 1) * rows)) of L[i][j] x[i]: L^T x in
// slabs of rows, one thread per (column, slab), coalesced along rows of L; sf_add_slabs then adds the slabs in
// order. One thread per column alone would leave most of a large GPU idle.
extern "C" __global__ void sf_trmv_lower_t(const double* __restrict__ a, long long n, const double* __restrict__ x,
                                           long long rows, double* __restrict__ partial) {
  const long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= n) return;
  const long long first = (long long)blockIdx.y * rows, end = first + rows < n ? first + rows : n;
  double s = 0.0;
  for (long long i = first > j ? first : j; i < end; i++) s += a[i * n + j] * x[i];
  partial[(long long)blockIdx.y * n + j] = s;
}

// y[j] += sum over s < slabs of partial[s][j], in order: the fixed-order reduction of partial sums by slabs (of
// rows here, of neuron chunks for the teacher).
extern "C" __global__ void sf_add_slabs(const double* __restrict__ partial, long long slabs, long long n,
                                        double* __restrict__ y) {
  const long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= n) return;
  double s = 0.0;
  for (long long c = 0; c < slabs; c++) s += partial[c * n + j];
  y[j] += s;
}
