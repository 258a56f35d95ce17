/* Shared by native/ (gcc) and cuda/ (nvcc): one definition of each formula serves both backends, so the
 * CPU tests check the math the GPU runs. */
#ifndef SF_COMMON_H
#define SF_COMMON_H

#include <stdint.h>
#include <math.h>

#if defined(__CUDACC__)
#define SF_HD __host__ __device__ __forceinline__
#else
#define SF_HD static inline
#endif

#define SF_PI 3.14159265358979323846
#define SF_SQRT1_2 0.70710678118654752440

#endif
