// Full-batch gradient descent of a batch of two-layer ReLU nets on the GPU, the per-neuron rule of
// native/include/sf_net.h (the same source the CPU step uses). Each net of the batch is described by an
// sf_gd_net in device memory; a step of the whole batch is three launches, whatever its size (per d present):
//   neurons  grid (32-neuron blocks, nets): 8 slices of the points per neuron, each over every 8th point, share
//            its gradient at the current residuals, then one thread updates it;
//   partial  grid (256-point blocks, 256-neuron chunks, nets): each point's sum over the chunk's neurons in order;
//   sf_gd_finish  one block per net: f_i = sum of the chunks in order, residual, the half MSE in a fixed tree;
//            then the step counter and the stopping rules, on the device.
// Two sets of the first two kernels, chosen on the host (-Dsparsefeat.cuda.gdKernels, CudaNetBatch.StepKernels):
//   v1  sf_gd_neurons_dD (32 x 8 threads, one neuron per thread), sf_gd_partial_dD (256 threads, one point per
//       thread): the simple version, kept as the oracle and the fallback;
//   v2  sf_gd_neurons2_dD, sf_gd_partial2_dD (the default): register-blocked, 128-thread blocks, 2 neurons and
//       2 points per thread (below). Same grids, same sums in the same orders: v2 gives v1's bits.
// A net that has stopped (loss NaN, below its floor or at most its stopBelow) or used its step budget makes every
// later kernel return at once, so the host can launch many steps and read the batch back once. All sums are in
// fixed orders (results do not depend on scheduling); they differ from the CPU's orders, so results agree to
// rounding, not bit for bit.
//
// Napkin math at the paper's size (one net, h = 1e4, n = 1024, d = 5; h n = 1.0e7 neuron-point pairs), per step:
// the forward kernel issues d + 2 = 7 FP64 instructions per pair, the neuron kernel 2 d + 3 = 13 (a warp's
// neurons disagree on z > 0, so it pays for both sides), 2.0e8 in all: 13 us of an H100 SXM's FP64 units
// (132 SMs x 64 lanes x ~1.8 GHz) at full rate. Device memory is no limit (~1.5 MB touched, L2-resident). What
// limits v1's forward kernel is shared memory: d + 2 = 7 broadcast loads per pair, 2.2e6 warp loads, one per
// SM and clock, 9 us alone; v2 reads a neuron's record (d weights, bias, scale w2, padded to 8) as 3 16-byte
// loads and one 8-byte load for 2 points: 2 loads per pair, 0.64e6, under its 4.6 us of FP64 work. v1's neuron
// kernel reads d + 1 = 6 values per pair from L1 (1.9e6 warp loads, about as many load as FP64 issue slots);
// v2's 6 per point for 2 neurons (half). Registers (ptxas, sm_90; cuda/resources.sh prints them): v2 neurons
// 96 (d = 5), 204 (d = 16); v2 partial 55, 94; no spills, no stack.
#include "sf_layout.h"  // sf_net.h (struct sf_gd_net, the per-step rule), sf_launch.h (block sizes)

// A net of the batch is an sf_gd_net (sf_net.h): the host (CudaNetBatch) writes it at the offsets libsparsefeat
// reports (sf_layout.h); step, stopped and loss are written by the device.
__device__ __forceinline__ bool sf_gd_active(const sf_gd_net& q) { return !q.stopped && q.step < q.limit; }

// Per-thread arrays are indexed with the compile-time dimension D, so they live in registers (a run-time index
// would put them in local memory); the kernels below pick D among the sphere experiments' d. Each slice of a
// neuron sums its points in order, then the first slice adds the slices' sums in order and updates the neuron.
template <int D>
__device__ __forceinline__ void neuron_step(const sf_gd_net& q, long long j, bool live, const sf_neuron_rule& rule,
                                            double (*acc)[SF_GD_NEURONS][D + 2]) {
  const int slice = threadIdx.y, t = threadIdx.x;
  const long long n = q.n, np = q.np;
  const double* __restrict__ xt = q.xt;
  const double* __restrict__ r = q.r;
  double wr[D], ga[D];  // registers in the loop over points: their addresses are never taken
#pragma unroll
  for (int k = 0; k < D; k++) { wr[k] = live ? q.w1[j * D + k] : 0.0; ga[k] = 0.0; }
  double bj = live && q.b ? q.b[j] : 0.0, g2 = 0.0, gb = 0.0;
  for (long long i = live ? slice : n; i < n; i += SF_GD_SLICES) {
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
#pragma unroll
  for (int k = 0; k < D; k++) acc[slice][t][k] = ga[k];
  acc[slice][t][D] = g2;
  acc[slice][t][D + 1] = gb;
  __syncthreads();
  if (slice != 0 || !live) return;
  for (int s = 1; s < SF_GD_SLICES; s++) {
#pragma unroll
    for (int k = 0; k < D; k++) ga[k] += acc[s][t][k];
    g2 += acc[s][t][D];
    gb += acc[s][t][D + 1];
  }
  const double v2 = q.w2[j];
  g2 *= q.scale;
  gb *= q.scale * v2;
  double w[D], g1[D];  // the shared rule takes arrays: copied once per neuron, after the loop
#pragma unroll
  for (int k = 0; k < D; k++) { w[k] = wr[k]; g1[k] = ga[k] * q.scale * v2; }
  sf_neuron_update(&rule, w, &bj, &q.w2[j], g1, &gb, &g2);
#pragma unroll
  for (int k = 0; k < D; k++) q.w1[j * D + k] = w[k];
  if (q.b) q.b[j] = bj;
}

// One kernel per d (sf_gd_neurons_d5, ...), so that each gets the registers its own d needs; it skips the nets of
// the batch with another d (the host launches one per d present).
template <int D>
__device__ __forceinline__ void neurons(sf_gd_net* __restrict__ nets) {
  __shared__ double acc[SF_GD_SLICES][SF_GD_NEURONS][D + 2];
  const sf_gd_net& q = nets[blockIdx.y];
  const long long j = (long long)blockIdx.x * SF_GD_NEURONS + threadIdx.x;
  // whole blocks leave together, before the barrier
  if (q.d != D || !sf_gd_active(q) || (long long)blockIdx.x * SF_GD_NEURONS >= q.h) return;
  const sf_neuron_rule rule = sf_gd_rule(&q, D);
  neuron_step<D>(q, j, j < q.h, rule, acc);
}

template <int D>
__device__ __forceinline__ void partial_sums(const sf_gd_net& q, double* ws, double* bs, double* vs) {
  // ws: the chunk's weights, row t at t * (D + 1) (one pad against bank conflicts)
  const int c = blockIdx.y, t = threadIdx.x;
  const long long h = q.h, np = q.np;
  const long long j = (long long)c * SF_GD_CHUNK + t;
#pragma unroll
  for (int k = 0; k < D; k++) ws[t * (D + 1) + k] = j < h ? q.w1[j * D + k] : 0.0;
  bs[t] = j < h && q.b ? q.b[j] : 0.0;
  vs[t] = j < h ? q.scale * q.w2[j] : 0.0;
  __syncthreads();
  const long long i = (long long)blockIdx.x * blockDim.x + t;
  if (i >= np) return;
  double x[D];
#pragma unroll
  for (int k = 0; k < D; k++) x[k] = q.xt[k * np + i];
  double s = 0.0;
  for (int p = 0; p < SF_GD_CHUNK; p++) {
    double z = bs[p];
#pragma unroll
    for (int k = 0; k < D; k++) z += ws[p * (D + 1) + k] * x[k];
    s += vs[p] * fmax(z, 0.0);
  }
  q.partial[(long long)c * np + i] = i < q.n ? s : 0.0;
}

// all != 0: every net, active or not (the forward pass at initialisation).
template <int D>
__device__ __forceinline__ void partial(const sf_gd_net* __restrict__ nets, int all) {
  __shared__ double ws[SF_GD_CHUNK * (D + 1)];
  __shared__ double bs[SF_GD_CHUNK], vs[SF_GD_CHUNK];
  const sf_gd_net& q = nets[blockIdx.z];
  // whole blocks leave together, before the barrier
  if (q.d != D || (!all && !sf_gd_active(q)) || blockIdx.y >= q.chunks || (long long)blockIdx.x * blockDim.x >= q.np)
    return;
  partial_sums<D>(q, ws, bs, vs);
}

#define SF_GD_KERNELS(D)                                                                            \
  extern "C" __global__ void __launch_bounds__(SF_GD_NEURONS * SF_GD_SLICES)                       \
      sf_gd_neurons_d##D(sf_gd_net* __restrict__ nets) {                                           \
    neurons<D>(nets);                                                                              \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(SF_GD_CHUNK)                                        \
      sf_gd_partial_d##D(const sf_gd_net* __restrict__ nets, int all) {                            \
    partial<D>(nets, all);                                                                         \
  }
SF_GD_DIMENSIONS(SF_GD_KERNELS)
#undef SF_GD_KERNELS

// ---- v2: register-blocked kernels (-Dsparsefeat.cuda.gdKernels=v2, the default; v1 above stays as the oracle and
// the fallback). They do the same arithmetic in the same orders as v1, so they give v1's bits; what changes is how
// often each operand is loaded. v1's forward thread reads a neuron's D + 2 numbers from shared memory (D + 2
// broadcast loads) for one point's D + 2 floating-point instructions: the loads, not the FP64 units, set its pace.
// v2's reads the neuron's record once, as 16-byte loads, for SF_GD2_POINTS points; v2's neuron thread reads a point
// (D + 1 loads) once for SF_GD2_PER_THREAD neurons. Both use 128-thread blocks.
// SF_GD2_*: sf_launch.h.
static_assert(SF_GD2_LANES * SF_GD2_SLICES == SF_GD2_THREADS, "sf_gd_neurons2: 128 threads");
static_assert(SF_GD2_THREADS * SF_GD2_POINTS == SF_GD_CHUNK, "sf_gd_partial2: a block covers v1's points");
static_assert(SF_GD_CHUNK % SF_GD2_THREADS == 0, "sf_gd_partial2: every thread loads whole neurons");
static_assert(SF_GD2_BLOCK_NEURONS <= SF_GD2_THREADS, "sf_gd_neurons2: one updating thread per neuron");
static_assert(SF_GD2_BLOCK_NEURONS == SF_GD_NEURONS && SF_GD2_SLICES == SF_GD_SLICES,
              "v1's grid (CudaNetBatch covers h in blocks of NEURONS for both sets) and v1's order over the points");

// Thread (lane, slice) sums, for neurons base + lane + 16 m (m < M), the points slice, slice + 8, ... in order
// (v1's order); the slices' sums go to shared memory and one thread per neuron adds them in slice order (v1's)
// and applies the rule.
template <int D>
__device__ __forceinline__ void neurons2(sf_gd_net* __restrict__ nets) {
  constexpr int M = SF_GD2_PER_THREAD;
  __shared__ double acc[SF_GD2_SLICES][SF_GD2_BLOCK_NEURONS][D + 2];
  const sf_gd_net& q = nets[blockIdx.y];
  const long long base = (long long)blockIdx.x * SF_GD2_BLOCK_NEURONS;
  // whole blocks leave together, before the barrier
  if (q.d != D || !sf_gd_active(q) || base >= q.h) return;
  const int lane = threadIdx.x, slice = threadIdx.y;
  const long long n = q.n, np = q.np, h = q.h;
  const double* __restrict__ xt = q.xt;
  const double* __restrict__ r = q.r;
  double wr[M][D], ga[M][D], bj[M], g2[M], gb[M];  // registers: indexed by unrolled loops only
#pragma unroll
  for (int m = 0; m < M; m++) {
    const long long j = base + lane + SF_GD2_LANES * m;
    const bool live = j < h;
#pragma unroll
    for (int k = 0; k < D; k++) { wr[m][k] = live ? q.w1[j * D + k] : 0.0; ga[m][k] = 0.0; }
    bj[m] = live && q.b ? q.b[j] : 0.0;
    g2[m] = 0.0;
    gb[m] = 0.0;
  }
  for (long long i = slice; i < n; i += SF_GD2_SLICES) {
    double x[D];  // __ldg: read-only here, through the read-only path (a plain load of a pointer held in a struct
                  // is a generic one)
#pragma unroll
    for (int k = 0; k < D; k++) x[k] = __ldg(xt + k * np + i);
    const double ri = __ldg(r + i);
#pragma unroll
    for (int m = 0; m < M; m++) {
      double z = bj[m];
#pragma unroll
      for (int k = 0; k < D; k++) z += wr[m][k] * x[k];
      if (z > 0.0) {  // a dead neuron (j >= h: weights 0, z = 0) adds nothing
        g2[m] += ri * z;
        gb[m] += ri;
#pragma unroll
        for (int k = 0; k < D; k++) ga[m][k] += ri * x[k];
      }
    }
  }
#pragma unroll
  for (int m = 0; m < M; m++) {
    double* a = acc[slice][lane + SF_GD2_LANES * m];
#pragma unroll
    for (int k = 0; k < D; k++) a[k] = ga[m][k];
    a[D] = g2[m];
    a[D + 1] = gb[m];
  }
  __syncthreads();
  const int u = slice * SF_GD2_LANES + lane;  // the block's neuron this thread updates, if any
  const long long j = base + u;
  if (u >= SF_GD2_BLOCK_NEURONS || j >= h) return;
  double g1[D], w[D], s2 = acc[0][u][D], sb = acc[0][u][D + 1];
#pragma unroll
  for (int k = 0; k < D; k++) g1[k] = acc[0][u][k];
  for (int s = 1; s < SF_GD2_SLICES; s++) {
#pragma unroll
    for (int k = 0; k < D; k++) g1[k] += acc[s][u][k];
    s2 += acc[s][u][D];
    sb += acc[s][u][D + 1];
  }
  const sf_neuron_rule rule = sf_gd_rule(&q, D);
  const double v2 = q.w2[j];
  s2 *= q.scale;
  sb *= q.scale * v2;
  double bias = q.b ? q.b[j] : 0.0;
#pragma unroll
  for (int k = 0; k < D; k++) { w[k] = q.w1[j * D + k]; g1[k] = g1[k] * q.scale * v2; }  // v1's rounding
  sf_neuron_update(&rule, w, &bias, &q.w2[j], g1, &sb, &s2);
#pragma unroll
  for (int k = 0; k < D; k++) q.w1[j * D + k] = w[k];
  if (q.b) q.b[j] = bias;
}

// A neuron's record in shared memory: its D weights, bias, scale * w2, padded to an even length so that a thread
// reads it as 16-byte loads.
template <int D>
struct sf_gd2_record {
  static constexpr int length = (D + 3) / 2 * 2;
};

template <int D>
__device__ __forceinline__ void partial2(const sf_gd_net* __restrict__ nets, int all) {
  constexpr int R = sf_gd2_record<D>::length, P = SF_GD2_POINTS;
  __shared__ __align__(16) double rec[SF_GD_CHUNK * R];
  const sf_gd_net& q = nets[blockIdx.z];
  // whole blocks leave together, before the barrier
  if (q.d != D || (!all && !sf_gd_active(q)) || blockIdx.y >= q.chunks || (long long)blockIdx.x * SF_GD_CHUNK >= q.np)
    return;
  const int c = blockIdx.y, t = threadIdx.x;
  const long long h = q.h, np = q.np;
  for (int p = t; p < SF_GD_CHUNK; p += SF_GD2_THREADS) {
    const long long j = (long long)c * SF_GD_CHUNK + p;
    double* e = rec + p * R;
#pragma unroll
    for (int k = 0; k < D; k++) e[k] = j < h ? q.w1[j * D + k] : 0.0;
    e[D] = j < h && q.b ? q.b[j] : 0.0;
    e[D + 1] = j < h ? q.scale * q.w2[j] : 0.0;
#pragma unroll
    for (int k = D + 2; k < R; k++) e[k] = 0.0;
  }
  __syncthreads();
  // points i0 + 128 p (p < P): each load and store of the warp is coalesced
  const long long i0 = (long long)blockIdx.x * SF_GD_CHUNK + t;
  double x[P][D], s[P];
#pragma unroll
  for (int p = 0; p < P; p++) {
    const long long i = i0 + SF_GD2_THREADS * p;
#pragma unroll
    for (int k = 0; k < D; k++) x[p][k] = i < np ? __ldg(q.xt + k * np + i) : 0.0;
    s[p] = 0.0;
  }
  for (int o = 0; o < SF_GD_CHUNK; o++) {
    double e[R];
    const double2* v = reinterpret_cast<const double2*>(rec + o * R);
#pragma unroll
    for (int k = 0; k < R / 2; k++) {
      const double2 pair = v[k];
      e[2 * k] = pair.x;
      e[2 * k + 1] = pair.y;
    }
#pragma unroll
    for (int p = 0; p < P; p++) {
      double z = e[D];
#pragma unroll
      for (int k = 0; k < D; k++) z += e[k] * x[p][k];
      s[p] += e[D + 1] * fmax(z, 0.0);
    }
  }
#pragma unroll
  for (int p = 0; p < P; p++) {
    const long long i = i0 + SF_GD2_THREADS * p;
    if (i < np) q.partial[(long long)c * np + i] = i < q.n ? s[p] : 0.0;
  }
}

#define SF_GD2_KERNELS(D)                                                                           \
  extern "C" __global__ void __launch_bounds__(SF_GD2_THREADS)                                     \
      sf_gd_neurons2_d##D(sf_gd_net* __restrict__ nets) {                                          \
    neurons2<D>(nets);                                                                             \
  }                                                                                                \
  extern "C" __global__ void __launch_bounds__(SF_GD2_THREADS)                                     \
      sf_gd_partial2_d##D(const sf_gd_net* __restrict__ nets, int all) {                           \
    partial2<D>(nets, all);                                                                        \
  }
SF_GD_DIMENSIONS(SF_GD2_KERNELS)
#undef SF_GD2_KERNELS

// all != 0: every net (initialisation); useF0: subtract f0 (alpha-trick); advance: count the step and apply the
// stopping rules.
extern "C" __global__ void __launch_bounds__(SF_GD_FINISH) sf_gd_finish(sf_gd_net* __restrict__ nets, int all, int useF0, int advance) {
  __shared__ double acc[SF_GD_FINISH];
  sf_gd_net& q = nets[blockIdx.x];
  if (!all && !sf_gd_active(q)) return;
  const int t = threadIdx.x;
  const long long n = q.n, np = q.np;
  const double* f0 = useF0 ? q.f0 : nullptr;
  const double inv = 1.0 / (double)n;
  double s2 = 0.0;
  for (long long i = t; i < np; i += SF_GD_FINISH) {
    if (i >= n) {
      q.f[i] = 0.0;
      q.r[i] = 0.0;
      continue;
    }
    double s = 0.0;
    for (long long c = 0; c < q.chunks; c++) s += q.partial[c * np + i];
    q.f[i] = s;
    const double e = sf_gd_error(q.alpha, s, f0, q.y, i);
    q.r[i] = e * inv;  // the CPU's rounding (native/src/gd.c)
    s2 += e * e;
  }
  acc[t] = s2;
  __syncthreads();
  for (int w = SF_GD_FINISH / 2; w > 0; w >>= 1) {
    if (t < w) acc[t] += acc[t + w];
    __syncthreads();
  }
  if (t == 0) {
    const double loss = sf_half_mse_of(acc[0], n);
    q.loss = loss;
    if (advance) {
      q.step++;
      if (sf_gd_stops(loss, q.loss_stop, q.stop_below)) q.stopped = 1;
    }
  }
}

// R(w) per neuron of net `which` of the batch at its current step (sf_neuron_reg_value under the step's rule, as
// the CPU's sf_gd_regularizer), summed afterwards by sf_gd_sum.
extern "C" __global__ void sf_gd_reg(const sf_gd_net* __restrict__ nets, int which, double* __restrict__ out) {
  const sf_gd_net& q = nets[which];
  const long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= q.h) return;
  const sf_neuron_rule rule = sf_gd_rule(&q, (int)q.d);
  out[j] = sf_neuron_reg_value(&rule, q.w1 + j * q.d, q.b ? q.b[j] : 0.0, q.w2[j]);
}

// *result = factor * sum of v[0..count), one block of SF_GD_SUM_THREADS threads, in a fixed tree.
extern "C" __global__ void sf_gd_sum(long long count, const double* __restrict__ v, double factor,
                                     double* __restrict__ result) {
  __shared__ double acc[SF_GD_SUM_THREADS];
  double s = 0.0;
  for (long long i = threadIdx.x; i < count; i += SF_GD_SUM_THREADS) s += v[i];
  acc[threadIdx.x] = s;
  __syncthreads();
  for (int w = SF_GD_SUM_THREADS / 2; w > 0; w >>= 1) {
    if (threadIdx.x < w) acc[threadIdx.x] += acc[threadIdx.x + w];
    __syncthreads();
  }
  if (threadIdx.x == 0) *result = factor * acc[0];
}

// The layout table of sf_layout.h as this compiler lays it out (nvcc here, g++ in the emulator), into
// out[0..SF_LAYOUT_COUNT), in the order of libsparsefeat's table (native/src/layout.c, gcc): the host compares the
// two before it trusts the offsets it writes sf_gd_net with. One thread.
#define SF_LAYOUT_FIELD_VALUE(f) out[i++] = (long long)offsetof(sf_gd_net, f);
#define SF_LAYOUT_CONST_VALUE(c) out[i++] = (long long)(c);
extern "C" __global__ void sf_layout_values(long long* __restrict__ out) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  int i = 0;
  out[i++] = (long long)sizeof(sf_gd_net);
  SF_LAYOUT_FIELDS(SF_LAYOUT_FIELD_VALUE)
  SF_LAYOUT_CONSTANTS(SF_LAYOUT_CONST_VALUE)
}
#undef SF_LAYOUT_FIELD_VALUE
#undef SF_LAYOUT_CONST_VALUE
