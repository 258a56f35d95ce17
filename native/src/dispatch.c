/* Picks the AVX-512 or the AVX2 build of the vector loops (Gram, teacher, GD) once, at the first call: AVX-512
 * where the CPU has it (twice the values per instruction), unless SPARSEFEAT_ISA=v3 asks for AVX2.
 * SPARSEFEAT_ISA=generic (or 1) picks the baseline x86-64 build, which nothing picks by itself: it is the slow path
 * that benchmarks/guard.sh forces to show that it fails when a hot path gets slower. */
#include <stdlib.h>
#include <string.h>
#include "sparsefeat.h"

#include "dispatch.h"

static int isa;  /* 0: not chosen yet; 1, 3 or 4 */

int sf_select_isa(int want) {
  if (want < 0) return isa ? isa : sf_select_isa(0);  /* a query */
  int has512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  if (want == 0) {
    const char* env = getenv("SPARSEFEAT_ISA");
    want = !env ? 4 : strcmp(env, "v3") == 0 ? 3 : strcmp(env, "generic") == 0 ? 1 : 4;
  }
  isa = want == 4 && has512 ? 4 : want == 1 ? 1 : 3;
  return isa;
}

static inline int chosen(void) {
  if (!isa) sf_select_isa(0);
  return isa;
}

/* The call of the chosen build of NAME. */
#define SF_PICK(name, ...) \
  (chosen() == 4 ? name##_v4(__VA_ARGS__) : isa == 1 ? name##_v1(__VA_ARGS__) : name##_v3(__VA_ARGS__))

int64_t sf_gd_blocks_of(int64_t h) { return (h + SF_GD_BLOCK - 1) / SF_GD_BLOCK; }

void sf_gd_begin(sf_gd_net* net) { SF_PICK(sf_gd_begin, net); }

void sf_gd_blocks(sf_gd_net* net, int64_t b0, int64_t b1) {
  SF_PICK(sf_gd_blocks, net, b0, b1);
}

int sf_gd_end(sf_gd_net* net) { return SF_PICK(sf_gd_end, net); }

int64_t sf_gd_steps(sf_gd_net* net, int64_t k) { return SF_PICK(sf_gd_steps, net, k); }

double sf_half_mse(const sf_gd_net* net) { return SF_PICK(sf_half_mse, net); }

double sf_gd_regularizer(const sf_gd_net* net) {
  return SF_PICK(sf_gd_regularizer, net);
}

void sf_net_forward(const double* w1, const double* b, const double* w2, int64_t h, int64_t d, double scale,
                    const double* xt, int64_t n, double* out, double* partial) {
  SF_PICK(sf_net_forward, w1, b, w2, h, d, scale, xt, n, out, partial);
}

int sf_gram_block(int id, double param, int d, const double* X, const double* xn, int64_t i0, int64_t i1,
                  const double* Yt, const double* yn, int64_t m, int64_t j0, int64_t j1, int lower, int same,
                  double* K, int64_t ldk) {
  return SF_PICK(sf_gram_block, id, param, d, X, xn, i0, i1, Yt, yn, m, j0, j1, lower, same, K, ldk);
}

int sf_gram_times(int id, double param, int d, const double* X, const double* xn, int64_t i0, int64_t i1,
                  const double* Yt, const double* yn, const double* c, int64_t m, int same, double* f) {
  return SF_PICK(sf_gram_times, id, param, d, X, xn, i0, i1, Yt, yn, c, m, same, f);
}

int sf_kernel_apply(int id, double param, int d, double* G, int64_t i0, int64_t i1, int64_t m, const double* xn,
                    const double* yn, int lower, int same) {
  return SF_PICK(sf_kernel_apply, id, param, d, G, i0, i1, m, xn, yn, lower, same);
}

int sf_teacher_block(uint64_t seed, int d, int act, double power, uint64_t j0, uint64_t j1, const double* X,
                     int64_t m, double* out) {
  return SF_PICK(sf_teacher_block, seed, d, act, power, j0, j1, X, m, out);
}
