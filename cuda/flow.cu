// The image nets' gradient flow on the device (docs/method.md, 'Image experiments'): the elementwise passes and
// reductions around the three cuBLAS DGEMMs of a trial (Z = X W0^T / sqrt D; dW1 = A^T g / h; dW0 = M^T X / (h sqrt D)).
// The control logic (step size, acceptance, stopping) is the host's, classify.GradientFlow, the same for both backends;
// it reads back only the scalars sf_flow_scalars writes. Formulas are sf_act.h's, which the CPU uses too. Every sum
// is a fixed-order tree, so a run repeats to the bit. Against the CPU the roundings differ: the sums' orders (ours and
// cuBLAS's against OpenBLAS's) and, on a GPU, nvcc's fused multiply-adds (the emulator and Java have none), so the two
// make the same accept / reject decisions unless a trial lands within rounding of a bound.
#include "sf_act.h"
#include "sf_launch.h"  // SF_FLOW_THREADS, SF_FLOW_BLOCKS, which the host reads from libsparsefeat
// Grid-stride kernels (the step, the turn) get at most as many blocks as their entries fill.

// out = p - dt g over len entries (grid-stride).
extern "C" __global__ void sf_flow_step(const double* __restrict__ p, const double* __restrict__ g, long long len,
                                        double dt, double* __restrict__ out) {
  const long long stride = (long long)gridDim.x * blockDim.x;
  for (long long q = (long long)blockIdx.x * blockDim.x + threadIdx.x; q < len; q += stride) out[q] = p[q] - dt * g[q];
}

// Sums part[0 .. SF_FLOW_THREADS) into part[0] by a tree (every thread of the block calls it).
__device__ __forceinline__ void sf_flow_tree_sum(double* part) {
  for (int w = SF_FLOW_THREADS / 2; w > 0; w >>= 1) {
    if (threadIdx.x < w) part[threadIdx.x] += part[threadIdx.x + w];
    __syncthreads();
  }
}

// One block of SF_FLOW_THREADS per row i of Z (n x h, row-major): act(z) = c softplus(beta z) / beta written over Z,
// f_i = (1/h) sum_j w1_j act(z_ij), o_i = f_i - f0_i (f0 null: f_i). With labels y (the training points), the soft
// hinge at u_i = 1 - alpha o_i y_i: hinge_i = l(u_i) / alpha, g_i = dL/do_i = -y_i l'(u_i) / n, and
// M_ij = g_i act'(z_ij) w1_j, the matrix dW0 = M^T X / (h sqrt D) multiplies. The CPU computes the same products
// in the same association (backend.cpu.CpuSoftplusFlow).
extern "C" __global__ void sf_flow_rows(double* __restrict__ z, long long n, int h, const double* __restrict__ w1,
                                        double beta, double c, const double* __restrict__ f0,
                                        const double* __restrict__ y, double alpha, double lossBeta,
                                        double* __restrict__ o, double* __restrict__ hinge, double* __restrict__ g,
                                        double* __restrict__ m) {
  __shared__ double part[SF_FLOW_THREADS];
  __shared__ double gi;
  const long long i = blockIdx.x;
  double* zi = z + i * h;
  double* mi = y ? m + i * h : nullptr;
  double s = 0.0;
  for (int j = threadIdx.x; j < h; j += SF_FLOW_THREADS) {
    double sp, sg;
    sf_softplus_sigmoid(beta * zi[j], &sp, &sg);
    const double a = c * sp / beta;
    zi[j] = a;
    if (mi) mi[j] = c * sg;
    s += w1[j] * a;
  }
  part[threadIdx.x] = s;
  __syncthreads();
  sf_flow_tree_sum(part);
  if (threadIdx.x == 0) {
    const double f = 1.0 / h * part[0];
    const double oi = f0 ? f - f0[i] : f;
    o[i] = oi;
    if (y) {
      double sp, sg;
      sf_softplus_sigmoid(lossBeta * (1.0 - alpha * oi * y[i]), &sp, &sg);
      hinge[i] = sp / lossBeta / alpha;
      gi = -y[i] * sg / n;
      g[i] = gi;
    }
  }
  if (!y) return;  // the same for every thread of the block
  __syncthreads();
  const double gv = gi;
  for (int j = threadIdx.x; j < h; j += SF_FLOW_THREADS) mi[j] = gv * mi[j] * w1[j];
}

// partial[k * gridDim.x + b] for k = 0, 1, 2: block b's sums of (g - g')^2, g^2 and g'^2 over its grid-stride share
// of the len entries; sf_flow_scalars adds the blocks' sums in order. At most SF_FLOW_BLOCKS blocks.
extern "C" __global__ void sf_flow_turn(const double* __restrict__ g, const double* __restrict__ g2, long long len,
                                        double* __restrict__ partial) {
  __shared__ double part[3][SF_FLOW_THREADS];
  double d = 0.0, a = 0.0, b = 0.0;
  const long long stride = (long long)gridDim.x * SF_FLOW_THREADS;
  for (long long q = (long long)blockIdx.x * SF_FLOW_THREADS + threadIdx.x; q < len; q += stride) {
    const double u = g[q], v = g2[q];
    d += (u - v) * (u - v);
    a += u * u;
    b += v * v;
  }
  part[0][threadIdx.x] = d;
  part[1][threadIdx.x] = a;
  part[2][threadIdx.x] = b;
  __syncthreads();
  for (int k = 0; k < 3; k++) sf_flow_tree_sum(part[k]);
  if (threadIdx.x == 0) {
    for (int k = 0; k < 3; k++) partial[k * gridDim.x + blockIdx.x] = part[k][0];
  }
}

// min and max that keep a NaN (the host's stopping rule must see one).
__device__ __forceinline__ double sf_flow_min(double a, double b) { return a != a || b != b ? a + b : (a < b ? a : b); }
__device__ __forceinline__ double sf_flow_max(double a, double b) { return a != a || b != b ? a + b : (a > b ? a : b); }

// One block of SF_FLOW_THREADS: the scalars of a point, for the host's control logic.
//   out[0] = sum_i hinge_i (the loss times n); out[1] = max_i |o_i - prev_i| (prev null: 0);
//   out[2] = min_i alpha o_i y_i (NaN when one is); out[3] = #{alpha o_i y_i >= 1}; out[4] = #{not alpha o_i y_i > 0};
//   out[5..7] = the sums of the partials of sf_flow_turn's turnBlocks blocks (turn null: 0).
extern "C" __global__ void sf_flow_scalars(const double* __restrict__ hinge, const double* __restrict__ o,
                                           const double* __restrict__ prev, const double* __restrict__ y, long long n,
                                           double alpha, const double* __restrict__ turn, int turnBlocks,
                                           double* __restrict__ out) {
  __shared__ double part[8][SF_FLOW_THREADS];
  const int t = threadIdx.x;
  double loss = 0.0, dout = 0.0, least = INFINITY, satisfied = 0.0, wrong = 0.0;
  for (long long i = t; i < n; i += SF_FLOW_THREADS) {
    const double mi = alpha * o[i] * y[i];
    loss += hinge[i];
    if (prev) dout = sf_flow_max(dout, fabs(o[i] - prev[i]));
    least = sf_flow_min(least, mi);
    satisfied += mi >= 1.0 ? 1.0 : 0.0;
    wrong += mi > 0.0 ? 0.0 : 1.0;
  }
  double turns[3] = {0.0, 0.0, 0.0};
  if (turn) {
    for (int b = t; b < turnBlocks; b += SF_FLOW_THREADS) {
      for (int k = 0; k < 3; k++) turns[k] += turn[k * turnBlocks + b];
    }
  }
  part[0][t] = loss;
  part[1][t] = dout;
  part[2][t] = least;
  part[3][t] = satisfied;
  part[4][t] = wrong;
  for (int k = 0; k < 3; k++) part[5 + k][t] = turns[k];
  __syncthreads();
  for (int w = SF_FLOW_THREADS / 2; w > 0; w >>= 1) {
    if (t < w) {
      part[1][t] = sf_flow_max(part[1][t], part[1][t + w]);
      part[2][t] = sf_flow_min(part[2][t], part[2][t + w]);
      for (int k = 0; k < 8; k++) {
        if (k != 1 && k != 2) part[k][t] += part[k][t + w];
      }
    }
    __syncthreads();
  }
  if (t < 8) out[t] = part[t][0];
}
