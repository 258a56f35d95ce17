/* The builds of the vector loops (AVX2: _v3, AVX-512: _v4, baseline x86-64 for the benchmark guard: _v1), declared for dispatch.c and the files themselves. */
#ifndef SF_DISPATCH_H
#define SF_DISPATCH_H

#include "sparsefeat.h"

#define SF_DECLARE(ISA)                                                                                   \
  void sf_gd_begin_##ISA(sf_gd_net* net);                                                                 \
  void sf_gd_blocks_##ISA(sf_gd_net* net, int64_t b0, int64_t b1);                                       \
  int sf_gd_end_##ISA(sf_gd_net* net);                                                                    \
  int64_t sf_gd_steps_##ISA(sf_gd_net* net, int64_t k);                                                  \
  double sf_half_mse_##ISA(const sf_gd_net* net);                                                         \
  double sf_gd_regularizer_##ISA(const sf_gd_net* net);                                                   \
  void sf_net_forward_##ISA(const double* w1, const double* b, const double* w2, int64_t h, int64_t d,    \
                            double scale, const double* xt, int64_t n, double* out, double* partial);        \
  int sf_gram_block_##ISA(int id, double param, int d, const double* X, const double* xn, int64_t i0, int64_t i1, \
                          const double* Yt, const double* yn, int64_t m, int64_t j0, int64_t j1, int lower,      \
                          int same, double* K, int64_t ldk);                                                     \
  int sf_gram_times_##ISA(int id, double param, int d, const double* X, const double* xn, int64_t i0, int64_t i1, \
                          const double* Yt, const double* yn, const double* c, int64_t m, int same, double* f);  \
  int sf_kernel_apply_##ISA(int id, double param, int d, double* G, int64_t i0, int64_t i1, int64_t m,          \
                            const double* xn, const double* yn, int lower, int same);                            \
  int sf_teacher_block_##ISA(uint64_t seed, int d, int act, double power, uint64_t j0, uint64_t j1,             \
                             const double* X, int64_t m, double* out);
SF_DECLARE(v1)
SF_DECLARE(v3)
SF_DECLARE(v4)

#endif
