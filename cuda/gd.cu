// Full-batch gradient descent of a two-layer ReLU net on the GPU, the per-neuron rule of native/include/sf_net.h
// (the same source the CPU step uses). A step is four launches, all deterministic (fixed summation orders):
//   sf_gd_neurons  one thread per neuron: its gradient over the points at the current residuals, then its update;
//   sf_gd_partial  block (points, neuron chunk): each thread one point, the chunk's neurons summed in order;
//   sf_gd_outputs  one thread per point: f_i = sum of the chunks in order, residual r_i, squared error e_i^2;
//   sf_gd_sum      one block: the half MSE, (1/2n) sum_i e_i^2, in a fixed tree.
// Points are stored transposed (d x np) as on the CPU. At the paper's sizes (n <= 1024, h = 1e4) a step is a few
// tens of microseconds of launches: CUDA graphs or a persistent kernel are the next stage.
#include "sf_net.h"

#define SF_GD_CHUNK 256

// Per-thread arrays are indexed with the compile-time dimension D, so they live in registers (a run-time index
// would put them in local memory); the extern "C" kernels below pick D among the sphere experiments' d.
template <int D>
__device__ __forceinline__ void neuron_step(long long n, long long np, int h, int j, const double* __restrict__ xt,
                                            const double* __restrict__ r, double* __restrict__ w1,
                                            double* __restrict__ b, double* __restrict__ w2, double scale,
                                            const sf_neuron_rule& rule) {
  double wr[D], ga[D];  // registers in the loop over points: their addresses are never taken
#pragma unroll
  for (int k = 0; k < D; k++) { wr[k] = w1[(long long)j * D + k]; ga[k] = 0.0; }
  double bj = b ? b[j] : 0.0, g2 = 0.0, gb = 0.0;
  for (long long i = 0; i < n; i++) {
    double z = bj;
#pragma unroll
    for (int k = 0; k < D; k++) z += wr[k] * xt[k * np + i];
    if (z > 0.0) {
      const double ri = r[i];
      g2 += ri * z;
      gb += ri;
#pragma unroll
      for (int k = 0; k < D; k++) ga[k] += ri * xt[k * np + i];
    }
  }
  const double v2 = w2[j];
  g2 *= scale;
  gb *= scale * v2;
  double w[D], g1[D];  // the shared rule takes arrays: copied once per neuron, after the loop
#pragma unroll
  for (int k = 0; k < D; k++) { w[k] = wr[k]; g1[k] = ga[k] * scale * v2; }
  sf_neuron_update(&rule, w, &bj, &w2[j], g1, &gb, &g2);
#pragma unroll
  for (int k = 0; k < D; k++) w1[(long long)j * D + k] = w[k];
  if (b) b[j] = bj;
}

#define SF_GD_DIMENSIONS(CASE) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(8) CASE(10) CASE(16)

extern "C" __global__ void sf_gd_neurons(long long n, long long np, int d, int h, const double* __restrict__ xt,
                                         const double* __restrict__ r, double* __restrict__ w1, double* __restrict__ b,
                                         double* __restrict__ w2, double scale, int reg, double lambda, int schedule,
                                         double power, long long step, int sphere, int conic, int conicFromStart,
                                         int quirks, double eta) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= h) return;
  const sf_neuron_rule rule = sf_rule_at(d, h, b != 0, reg, lambda, schedule, power, (int)n, step, sphere, conic,
                                         conicFromStart, quirks, eta);
  switch (d) {
#define SF_GD_CASE(D) case D: neuron_step<D>(n, np, h, j, xt, r, w1, b, w2, scale, rule); return;
    SF_GD_DIMENSIONS(SF_GD_CASE)
#undef SF_GD_CASE
    default: return;  // the host sends only d in SF_GD_DIMENSIONS (CudaNetBatch.DIMENSIONS)
  }
}

#define SF_GD_MAX_D 16  // the largest d of SF_GD_DIMENSIONS; larger d stays on the CPU

template <int D>
__device__ __forceinline__ void partial_sums(long long n, long long np, int h, const double* __restrict__ xt,
                                             const double* __restrict__ w1, const double* __restrict__ b,
                                             const double* __restrict__ w2, double scale, double* __restrict__ partial,
                                             double* ws, double* bs, double* vs) {
  // ws: the chunk's weights, row t at t * (D + 1) (one pad against bank conflicts)
  const int c = blockIdx.y, t = threadIdx.x;
  const int j = c * SF_GD_CHUNK + t;
#pragma unroll
  for (int k = 0; k < D; k++) ws[t * (D + 1) + k] = j < h ? w1[(long long)j * D + k] : 0.0;
  bs[t] = j < h && b ? b[j] : 0.0;
  vs[t] = j < h ? scale * w2[j] : 0.0;
  __syncthreads();
  const long long i = (long long)blockIdx.x * blockDim.x + t;
  if (i >= np) return;
  double x[D];
#pragma unroll
  for (int k = 0; k < D; k++) x[k] = xt[k * np + i];
  double s = 0.0;
  for (int q = 0; q < SF_GD_CHUNK; q++) {
    double z = bs[q];
#pragma unroll
    for (int k = 0; k < D; k++) z += ws[q * (D + 1) + k] * x[k];
    s += vs[q] * fmax(z, 0.0);
  }
  partial[(long long)c * np + i] = i < n ? s : 0.0;
}

extern "C" __global__ void sf_gd_partial(long long n, long long np, int d, int h, const double* __restrict__ xt,
                                         const double* __restrict__ w1, const double* __restrict__ b,
                                         const double* __restrict__ w2, double scale, double* __restrict__ partial) {
  __shared__ double ws[SF_GD_CHUNK * (SF_GD_MAX_D + 1)];
  __shared__ double bs[SF_GD_CHUNK], vs[SF_GD_CHUNK];
  switch (d) {
#define SF_GD_CASE(D) case D: partial_sums<D>(n, np, h, xt, w1, b, w2, scale, partial, ws, bs, vs); return;
    SF_GD_DIMENSIONS(SF_GD_CASE)
#undef SF_GD_CASE
    default: return;
  }
}

extern "C" __global__ void sf_gd_outputs(long long n, long long np, int chunks, const double* __restrict__ partial,
                                         const double* __restrict__ y, const double* __restrict__ f0, double alpha,
                                         double* __restrict__ f, double* __restrict__ r, double* __restrict__ e2) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= np) return;
  if (i >= n) { f[i] = 0.0; r[i] = 0.0; e2[i] = 0.0; return; }
  double s = 0.0;
  for (int c = 0; c < chunks; c++) s += partial[(long long)c * np + i];
  f[i] = s;
  const double F = alpha * (f0 ? s - f0[i] : s);
  const double e = F - y[i];
  r[i] = e / (double)n;
  e2[i] = e * e;
}


// R(w) per neuron at step `step` (sf_neuron_reg_value), summed afterwards by sf_gd_sum.
extern "C" __global__ void sf_gd_reg(int d, int h, long long n, const double* __restrict__ w1,
                                     const double* __restrict__ b, const double* __restrict__ w2, int reg, double lambda,
                                     int schedule, double power, long long step, int sphere, int quirks,
                                     double* __restrict__ out) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= h) return;
  const sf_neuron_rule rule = sf_rule_at(d, h, b != 0, reg, lambda, schedule, power, (int)n, step, sphere, 0, 0,
                                         quirks, 0.0);
  out[j] = sf_neuron_reg_value(&rule, w1 + (long long)j * d, b ? b[j] : 0.0, w2[j]);
}

// *result = factor * sum of v[0..count), one block of 256 threads, in a fixed tree.
extern "C" __global__ void sf_gd_sum(long long count, const double* __restrict__ v, double factor,
                                     double* __restrict__ result) {
  __shared__ double acc[256];
  double s = 0.0;
  for (long long i = threadIdx.x; i < count; i += 256) s += v[i];
  acc[threadIdx.x] = s;
  __syncthreads();
  for (int w = 128; w > 0; w >>= 1) {
    if (threadIdx.x < w) acc[threadIdx.x] += acc[threadIdx.x + w];
    __syncthreads();
  }
  if (threadIdx.x == 0) *result = factor * acc[0];
}
