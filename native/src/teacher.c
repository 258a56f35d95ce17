/* Teacher field on a block of neurons and the raw Philox words, for the Java side. Compiled without
 * -ffast-math: the weights come from log / cos / sin, and we want them to match the Java generator. */
#include <stdlib.h>
#include "sf_teacher.h"
#include "sparsefeat.h"
#include "isa.h"
#include "dispatch.h"
#include "vec.h"

#define SF_TEACHER_POINTS 4  /* points per pass: each weight, loaded once, serves four points */
#define SF_TEACHER_LANES SF_VW  /* neurons per step: one vector register; also the partial sums per point */

static inline __attribute__((always_inline)) sf_vd sf_vact(const int act, const double power, sf_vd z) {
  sf_vd r;
  for (int l = 0; l < SF_TEACHER_LANES; l++) r[l] = sf_teacher_act(act, power, z[l]);
  return r;
}

/* Sums over the block's neurons for four points at once, dot products and activation in registers.
 * Lane l of acc[p] accumulates neurons j = l (mod SF_VW) in order, and the lanes are added in a fixed tree,
 * so the result does not depend on the thread count. ACT and POWER are constants in the common cases
 * (see teacher_dispatch), so sf_teacher_act's branches fold away. */
static inline __attribute__((always_inline)) void teacher_points(
    const int act, const double power, int d, const double* theta, const double* sign, int64_t bp,
    const double* x0, const double* x1, const double* x2, const double* x3, double out[SF_TEACHER_POINTS]) {
  sf_vd a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
  for (int64_t j = 0; j < bp; j += SF_TEACHER_LANES) {
    sf_vd z0 = {0}, z1 = {0}, z2 = {0}, z3 = {0};
    for (int k = 0; k < d; k++) {
      sf_vd t = sf_vload(theta + (int64_t)k * bp + j);
      z0 += x0[k] * t;
      z1 += x1[k] * t;
      z2 += x2[k] * t;
      z3 += x3[k] * t;
    }
    sf_vd s = sf_vload(sign + j);
    a0 += s * sf_vact(act, power, z0);
    a1 += s * sf_vact(act, power, z1);
    a2 += s * sf_vact(act, power, z2);
    a3 += s * sf_vact(act, power, z3);
  }
  out[0] = sf_vhsum(a0);
  out[1] = sf_vhsum(a1);
  out[2] = sf_vhsum(a2);
  out[3] = sf_vhsum(a3);
}

#define SF_TEACHER_CASE(ACT, POWER) \
  if (act == ACT && power == POWER) { \
    teacher_points(ACT, POWER, d, theta, sign, bp, x0, x1, x2, x3, out); \
    return; \
  }

static void teacher_dispatch(int act, double power, int d, const double* theta, const double* sign, int64_t bp,
                             const double* x0, const double* x1, const double* x2, const double* x3,
                             double out[SF_TEACHER_POINTS]) {
  SF_TEACHER_CASE(SF_ACT_ABS, 1.0)
  SF_TEACHER_CASE(SF_ACT_ABS, 2.0)
  SF_TEACHER_CASE(SF_ACT_ABS, 4.0)
  SF_TEACHER_CASE(SF_ACT_ABS, 6.0)
  SF_TEACHER_CASE(SF_ACT_RELU, 1.0)
  SF_TEACHER_CASE(SF_ACT_RELU, 2.0)
  teacher_points(act, power, d, theta, sign, bp, x0, x1, x2, x3, out);
}

int SF_FN(sf_teacher_block)(uint64_t seed, int d, int act, double power, uint64_t j0, uint64_t j1,
                     const double* X, int64_t m, double* out) {
  int64_t b = (int64_t)(j1 - j0);
  int64_t bp = (b + SF_TEACHER_LANES - 1) / SF_TEACHER_LANES * SF_TEACHER_LANES;
  double* theta = malloc(sizeof(double) * (size_t)(bp * d + bp + d + 1));
  if (!theta) return -1;
  double* sign = theta + bp * d;  /* padding neurons get sign 0: they add nothing */
  double* row = sign + bp;
  for (int64_t j = 0; j < bp; j++) {
    if (j < b) {
      sign[j] = sf_teacher_neuron(seed, d, j0 + (uint64_t)j, row);
    } else {
      sign[j] = 0.0;
      for (int k = 0; k < d; k++) row[k] = 0.0;
    }
    for (int k = 0; k < d; k++) theta[(int64_t)k * bp + j] = row[k];  /* d x bp: contiguous over neurons */
  }
  for (int64_t i = 0; i < m; i += SF_TEACHER_POINTS) {
    /* a short last group repeats its last point; the extra results are dropped */
    const double* xs[SF_TEACHER_POINTS];
    for (int p = 0; p < SF_TEACHER_POINTS; p++) xs[p] = X + (i + p < m ? i + p : m - 1) * d;
    double res[SF_TEACHER_POINTS];
    teacher_dispatch(act, power, d, theta, sign, bp, xs[0], xs[1], xs[2], xs[3], res);
    for (int p = 0; p < SF_TEACHER_POINTS && i + p < m; p++) out[i + p] = res[p];
  }
  free(theta);
  return 0;
}

#if SF_VW == 4 && !defined(SF_GENERIC)  /* scalar helpers: once, in the AVX2 build */
void sf_teacher_neuron_weights(uint64_t seed, int d, uint64_t j, double* theta_and_sign) {
  theta_and_sign[d] = sf_teacher_neuron(seed, d, j, theta_and_sign);
}

void sf_philox_words(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                     uint32_t* out) {
  sf_philox_ctr c = {{c0, c1, c2, c3}};
  sf_philox_ctr r = sf_philox4x32_10(c, k0, k1);
  for (int i = 0; i < 4; i++) out[i] = r.v[i];
}
#endif
