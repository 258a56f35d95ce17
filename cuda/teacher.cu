// The teacher field on the GPU (native/include/sf_teacher.h): a block of 256 threads draws 256 neurons'
// weights from Philox into shared memory (one neuron per thread, never an H x d matrix in memory), then each
// thread takes one point and sums the block's neurons in order. Block (p, c) writes partial[c][point];
// sf_add_slabs (linalg.cu) adds the chunks in order, so the result does not depend on scheduling. d <= SF_TEACHER_MAX_D.
#include "sf_teacher.h"

#include "sf_launch.h"  // SF_TEACHER_THREADS, SF_TEACHER_MAX_D

template <int D>
__device__ __forceinline__ double teacher_sum(const double* __restrict__ xi, double (*theta)[SF_TEACHER_MAX_D],
                                              const double* sign, int act, double power) {
  double x[D];
#pragma unroll
  for (int k = 0; k < D; k++) x[k] = xi[k];
  double sum = 0.0;
  for (int q = 0; q < SF_TEACHER_THREADS; q++) {
    double z = 0.0;
#pragma unroll
    for (int k = 0; k < D; k++) z += theta[q][k] * x[k];
    sum += sign[q] * sf_teacher_act(act, power, z);
  }
  return sum;
}

__device__ double teacher_sum_any(const double* __restrict__ xi, int d, double (*theta)[SF_TEACHER_MAX_D],
                                  const double* sign, int act, double power) {
  double sum = 0.0;
  for (int q = 0; q < SF_TEACHER_THREADS; q++) {
    double z = 0.0;
    for (int k = 0; k < d; k++) z += theta[q][k] * xi[k];
    sum += sign[q] * sf_teacher_act(act, power, z);
  }
  return sum;
}

// Neurons first .. first + width - 1 (a slab of the field; the host launches slabs one after the other).
extern "C" __global__ void sf_teacher(unsigned long long seed, int d, int act, double power, long long width,
                                      long long first, const double* __restrict__ X, long long m,
                                      double* __restrict__ partial) {
  __shared__ double theta[SF_TEACHER_THREADS][SF_TEACHER_MAX_D];
  __shared__ double sign[SF_TEACHER_THREADS];
  const long long j = (long long)blockIdx.y * SF_TEACHER_THREADS + threadIdx.x;
  if (j < width) {
    sign[threadIdx.x] = sf_teacher_neuron(seed, d, (uint64_t)(first + j), theta[threadIdx.x]);
  } else {
    sign[threadIdx.x] = 0.0;
    for (int k = 0; k < d; k++) theta[threadIdx.x][k] = 0.0;
  }
  __syncthreads();
  const long long i = (long long)blockIdx.x * SF_TEACHER_THREADS + threadIdx.x;
  if (i >= m) return;
  double sum;
  switch (d) {  // a compile-time d keeps the point in registers
#define SF_TEACHER_CASE(D) case D: sum = teacher_sum<D>(X + i * D, theta, sign, act, power); break;
    SF_TEACHER_CASE(2) SF_TEACHER_CASE(3) SF_TEACHER_CASE(4) SF_TEACHER_CASE(5) SF_TEACHER_CASE(6)
    SF_TEACHER_CASE(8) SF_TEACHER_CASE(10)
#undef SF_TEACHER_CASE
    default: sum = teacher_sum_any(X + i * d, d, theta, sign, act, power); break;
  }
  partial[(long long)blockIdx.y * m + i] = sum;
}
