// Force-included (g++ -include) before the kernels of cuda/*.cu when they are compiled for the CPU emulator
// (cuda/emu/emu.cpp): maps CUDA's keywords and built-ins onto plain C++ so that the same kernel source runs
// on fibers, one fiber per CUDA thread. It lets the CPU tests run the kernels' indexing, barriers and
// reductions, and the Java code that drives them, on machines without a GPU. It says nothing about timing,
// the memory model or the driver: only a real device checks those.
#ifndef SF_CUDA_EMU_H
#define SF_CUDA_EMU_H

#include <cmath>
#include <cstdint>

struct sf_emu_dim3 {
  unsigned int x, y, z;
};
// Set by the emulator's scheduler before it resumes a fiber.
extern sf_emu_dim3 threadIdx, blockIdx, blockDim, gridDim;

// A barrier: the fiber yields until every live thread of its block has reached a barrier.
void sf_emu_syncthreads(int line);

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static  // one block runs at a time, so a static is the block's shared memory
#define __syncthreads() sf_emu_syncthreads(__LINE__)
#define __align__(n) __attribute__((aligned(n)))

struct double2 {
  double x, y;
};

// Fibers never run at the same time, so plain reads and writes are atomic here.
inline int atomicCAS(int* address, int compare, int value) {
  const int old = *address;
  if (old == compare) *address = value;
  return old;
}
inline double atomicAdd(double* address, double value) {
  const double old = *address;
  *address = old + value;
  return old;
}
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
inline double __ldg(const double* p) { return *p; }

#endif
