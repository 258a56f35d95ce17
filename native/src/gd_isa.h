/* The two builds of gd.c (AVX2: _v3, AVX-512: _v4), for gd_dispatch.c and for gd.c itself. */
#ifndef SF_GD_ISA_H
#define SF_GD_ISA_H

#include "sparsefeat.h"

#define SF_DECLARE(ISA)                                                                                   \
  void sf_gd_begin_##ISA(sf_gd_net* net);                                                                 \
  void sf_gd_blocks_##ISA(sf_gd_net* net, int64_t b0, int64_t b1);                                       \
  int sf_gd_end_##ISA(sf_gd_net* net);                                                                    \
  int64_t sf_gd_steps_##ISA(sf_gd_net* net, int64_t k);                                                  \
  double sf_half_mse_##ISA(const sf_gd_net* net);                                                         \
  double sf_gd_regularizer_##ISA(const sf_gd_net* net);                                                   \
  void sf_net_forward_##ISA(const double* w1, const double* b, const double* w2, int64_t h, int64_t d,    \
                            double scale, const double* xt, int64_t n, double* out, double* partial);
SF_DECLARE(v3)
SF_DECLARE(v4)

#endif
