/* Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a counter-based
 * generator, so any element of any stream can be drawn independently, in any order, on any core or GPU
 * thread, with the same bits. org.sparsefeat.data.Philox is the same function in Java; a test checks that
 * both give the same words. */
#ifndef SF_PHILOX_H
#define SF_PHILOX_H

#include "sf_common.h"

typedef struct { uint32_t v[4]; } sf_philox_ctr;

SF_HD uint32_t sf_mulhilo32(uint32_t a, uint32_t b, uint32_t* hi) {
  uint64_t p = (uint64_t)a * (uint64_t)b;
  *hi = (uint32_t)(p >> 32);
  return (uint32_t)p;
}

SF_HD sf_philox_ctr sf_philox4x32_10(sf_philox_ctr c, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; round++) {
    if (round > 0) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; }
    uint32_t hi0, hi1;
    uint32_t lo0 = sf_mulhilo32(0xD2511F53u, c.v[0], &hi0);
    uint32_t lo1 = sf_mulhilo32(0xCD9E8D57u, c.v[2], &hi1);
    sf_philox_ctr n;
    n.v[0] = hi1 ^ c.v[1] ^ k0;
    n.v[1] = lo1;
    n.v[2] = hi0 ^ c.v[3] ^ k1;
    n.v[3] = lo0;
    c = n;
  }
  return c;
}

/* A uniform double in the open interval (0, 1) from 64 random bits, 52 of them used: with 53, the
 * largest value (2^53 - 1/2) 2^-53 would round up to 1.0. */
SF_HD double sf_uniform_open(uint32_t hi, uint32_t lo) {
  uint64_t bits = ((uint64_t)hi << 32 | lo) >> 12;
  return ((double)bits + 0.5) * 0x1.0p-52;
}

/* Two independent standard normals for element `item`, pair `pair` of stream `stream` under `seed`:
 * counter = (pair, item low, item high, stream), key = seed; Box-Muller on the two uniforms. */
SF_HD void sf_normal_pair(uint64_t seed, uint32_t stream, uint64_t item, uint32_t pair, double* g0, double* g1) {
  sf_philox_ctr c = {{pair, (uint32_t)item, (uint32_t)(item >> 32), stream}};
  sf_philox_ctr r = sf_philox4x32_10(c, (uint32_t)seed, (uint32_t)(seed >> 32));
  double u1 = sf_uniform_open(r.v[0], r.v[1]);
  double u2 = sf_uniform_open(r.v[2], r.v[3]);
  double rad = sqrt(-2.0 * log(u1));
  double a = 2.0 * SF_PI * u2;
  *g0 = rad * cos(a);
  *g1 = rad * sin(a);
}

#endif
