/* Teacher field on a block of neurons and the raw Philox words, for the Java side. Compiled without
 * -ffast-math: the weights come from log / cos / sin, and we want them to match the Java generator. */
#include <stdlib.h>
#include "sf_teacher.h"
#include "sparsefeat.h"

int sf_teacher_block(uint64_t seed, int d, int act, double power, uint64_t j0, uint64_t j1,
                     const double* X, int64_t m, double* out) {
  int64_t b = (int64_t)(j1 - j0);
  double* theta = malloc(sizeof(double) * (size_t)(b * d + 2 * b + d));
  if (!theta) return -1;
  double* sign = theta + b * d;
  double* val = sign + b;
  double* tmp = val + b;
  for (int64_t j = 0; j < b; j++) {
    sign[j] = sf_teacher_neuron(seed, d, j0 + (uint64_t)j, tmp);
    for (int k = 0; k < d; k++) theta[(int64_t)k * b + j] = tmp[k];  /* d x b: contiguous over neurons */
  }
  for (int64_t i = 0; i < m; i++) {
    const double* x = X + i * d;
    for (int64_t j = 0; j < b; j++) val[j] = 0.0;
    for (int k = 0; k < d; k++) {
      const double xk = x[k];
      const double* th = theta + (int64_t)k * b;
      for (int64_t j = 0; j < b; j++) val[j] += xk * th[j];
    }
    for (int64_t j = 0; j < b; j++) val[j] = sign[j] * sf_teacher_act(act, power, val[j]);
    /* four interleaved partial sums: a fixed order, so the result does not depend on the compiler */
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    int64_t j = 0;
    for (; j + 4 <= b; j += 4) { s0 += val[j]; s1 += val[j + 1]; s2 += val[j + 2]; s3 += val[j + 3]; }
    for (; j < b; j++) s0 += val[j];
    out[i] = (s0 + s1) + (s2 + s3);
  }
  free(theta);
  return 0;
}

void sf_teacher_neuron_weights(uint64_t seed, int d, uint64_t j, double* theta_and_sign) {
  theta_and_sign[d] = sf_teacher_neuron(seed, d, j, theta_and_sign);
}

void sf_philox_words(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                     uint32_t* out) {
  sf_philox_ctr c = {{c0, c1, c2, c3}};
  sf_philox_ctr r = sf_philox4x32_10(c, k0, k1);
  for (int i = 0; i < 4; i++) out[i] = r.v[i];
}
