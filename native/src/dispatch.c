/* Picks the AVX-512 or the AVX2 build of the vector loops (Gram, teacher, GD) once, at the first call: AVX-512
 * where the CPU has it (twice the values per instruction), unless SPARSEFEAT_ISA=v3 asks for AVX2. */
#include <stdlib.h>
#include <string.h>
#include "sparsefeat.h"

#include "dispatch.h"

static int isa;  /* 0: not chosen yet; 3 or 4 */

int sf_select_isa(int want) {
  if (want < 0) return isa ? isa : sf_select_isa(0);  /* a query */
  int has512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  if (want == 0) {
    const char* env = getenv("SPARSEFEAT_ISA");
    want = env && strcmp(env, "v3") == 0 ? 3 : 4;
  }
  isa = want == 4 && has512 ? 4 : 3;
  return isa;
}

static inline int use512(void) {
  if (!isa) sf_select_isa(0);
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

int sf_gram_block(int id, double param, int d, const double* X, const double* xn, int64_t i0, int64_t i1,
                  const double* Yt, const double* yn, int64_t m, int64_t j0, int64_t j1, int lower, int same,
                  double* K, int64_t ldk) {
  return use512() ? sf_gram_block_v4(id, param, d, X, xn, i0, i1, Yt, yn, m, j0, j1, lower, same, K, ldk)
                  : sf_gram_block_v3(id, param, d, X, xn, i0, i1, Yt, yn, m, j0, j1, lower, same, K, ldk);
}

int sf_kernel_apply(int id, double param, int d, double* G, int64_t i0, int64_t i1, int64_t m, const double* xn,
                    const double* yn, int lower, int same) {
  return use512() ? sf_kernel_apply_v4(id, param, d, G, i0, i1, m, xn, yn, lower, same)
                  : sf_kernel_apply_v3(id, param, d, G, i0, i1, m, xn, yn, lower, same);
}

int sf_teacher_block(uint64_t seed, int d, int act, double power, uint64_t j0, uint64_t j1, const double* X,
                     int64_t m, double* out) {
  return use512() ? sf_teacher_block_v4(seed, d, act, power, j0, j1, X, m, out)
                  : sf_teacher_block_v3(seed, d, act, power, j0, j1, X, m, out);
}
