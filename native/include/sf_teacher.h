/* The teacher Gaussian random field of the paper (docs/method.md, 'Targets'):
 *   y(x) = H^{-1/2} sum_j s_j act(theta_j . x)^a,   act = |.| or relu,
 * with theta_j uniform on the sphere and s_j = +-1. Neuron j's weights are drawn on the fly from
 * Philox stream SF_STREAM_TEACHER, item j, so that no H x d matrix ever exists and every backend
 * (CPU blocks here, GPU threads in cuda/) evaluates the same field. */
#ifndef SF_TEACHER_H
#define SF_TEACHER_H

#include "sf_philox.h"

#define SF_STREAM_TEACHER 3u

enum sf_teacher_act { SF_ACT_ABS = 0, SF_ACT_RELU = 1 };

/* theta_j (unit vector, written to theta[0..d)) and returns s_j in {-1, +1}. Pairs 0..ceil(d/2)-1 give
 * the d Gaussian coordinates; the sign is the top bit of one more Philox draw (pair ceil(d/2)). */
SF_HD double sf_teacher_neuron(uint64_t seed, int d, uint64_t j, double* theta) {
  double norm2 = 0.0;
  for (int k = 0; k < d; k += 2) {
    double g0, g1;
    sf_normal_pair(seed, SF_STREAM_TEACHER, j, (uint32_t)(k / 2), &g0, &g1);
    theta[k] = g0;
    norm2 += g0 * g0;
    if (k + 1 < d) { theta[k + 1] = g1; norm2 += g1 * g1; }
  }
  double inv = 1.0 / sqrt(norm2);
  for (int k = 0; k < d; k++) theta[k] *= inv;
  sf_philox_ctr c = {{(uint32_t)((d + 1) / 2), (uint32_t)j, (uint32_t)(j >> 32), SF_STREAM_TEACHER}};
  sf_philox_ctr r = sf_philox4x32_10(c, (uint32_t)seed, (uint32_t)(seed >> 32));
  return (r.v[0] >> 31) ? -1.0 : 1.0;
}

/* act(z)^a; integer powers by multiplication (exact, and what the paper's a = 1, 4, 6 use). */
SF_HD double sf_teacher_act(int act, double power, double z) {
  double u = act == SF_ACT_ABS ? fabs(z) : fmax(z, 0.0);
  if (power == 1.0) return u;
  if (power == floor(power) && power <= 16.0) {
    double p = 1.0;
    for (int e = (int)power; e > 0; e--) p *= u;
    return p;
  }
  return pow(u, power);
}

#endif
