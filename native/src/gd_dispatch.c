/* Picks the AVX-512 or the AVX2 build of gd.c once, at the first call: AVX-512 where the CPU has it
 * (twice the points per instruction), unless SPARSEFEAT_ISA=v3 asks for AVX2 (for comparisons). */
#include <stdlib.h>
#include <string.h>
#include "sparsefeat.h"

#include "gd_isa.h"

static int isa;  /* 0: not chosen yet; 3 or 4 */

int sf_gd_select_isa(int want) {
  if (want < 0) return isa ? isa : sf_gd_select_isa(0);  /* a query */
  int has512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  if (want == 0) {
    const char* env = getenv("SPARSEFEAT_ISA");
    want = env && strcmp(env, "v3") == 0 ? 3 : 4;
  }
  isa = want == 4 && has512 ? 4 : 3;
  return isa;
}

static inline int use512(void) {
  if (!isa) sf_gd_select_isa(0);
  return isa == 4;
}

int64_t sf_gd_blocks_of(int64_t h) { return (h + SF_GD_BLOCK - 1) / SF_GD_BLOCK; }

void sf_gd_begin(sf_gd_net* net) { use512() ? sf_gd_begin_v4(net) : sf_gd_begin_v3(net); }

void sf_gd_blocks(sf_gd_net* net, int64_t b0, int64_t b1) {
  use512() ? sf_gd_blocks_v4(net, b0, b1) : sf_gd_blocks_v3(net, b0, b1);
}

int sf_gd_end(sf_gd_net* net) { return use512() ? sf_gd_end_v4(net) : sf_gd_end_v3(net); }

int64_t sf_gd_steps(sf_gd_net* net, int64_t k) { return use512() ? sf_gd_steps_v4(net, k) : sf_gd_steps_v3(net, k); }

double sf_half_mse(const sf_gd_net* net) { return use512() ? sf_half_mse_v4(net) : sf_half_mse_v3(net); }

double sf_gd_regularizer(const sf_gd_net* net) {
  return use512() ? sf_gd_regularizer_v4(net) : sf_gd_regularizer_v3(net);
}

void sf_net_forward(const double* w1, const double* b, const double* w2, int64_t h, int64_t d, double scale,
                    const double* xt, int64_t n, double* out, double* partial) {
  if (use512())
    sf_net_forward_v4(w1, b, w2, h, d, scale, xt, n, out, partial);
  else
    sf_net_forward_v3(w1, b, w2, h, d, scale, xt, n, out, partial);
}
