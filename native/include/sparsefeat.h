/* The functions libsparsefeat exports to Java (bound with FFM in org.sparsefeat.backend.cpu.NativeKernels).
 * Matrices are row-major; X is n x d, Yt is the transpose of Y (d x m) so tiles read it contiguously. */
#ifndef SPARSEFEAT_H
#define SPARSEFEAT_H

#include <stdint.h>

/* K[i][j] = k(X_i, Y_j) for i in [i0, i1), j in [j0, j1) (j <= i too when lower != 0); xn, yn are the
 * row norms; same != 0 says that X and Y are the same points (so X_i . Y_i = |X_i|^2 exactly).
 * Returns 0, or -1 for an unknown kernel id. */
int sf_gram_block(int id, double param, int d,
                  const double* X, const double* xn, int64_t i0, int64_t i1,
                  const double* Yt, const double* yn, int64_t m, int64_t j0, int64_t j1,
                  int lower, int same, double* K, int64_t ldk);

/* One kernel value, through the same code the Gram tiles use. */
double sf_kernel_value(int id, double t, double nx, double ny, double param, int d);

/* out[i] = sum over neurons j in [j0, j1) of s_j act(theta_j . X_i)^power, i in [0, m).
 * Returns 0, or -1 when out of memory. */
int sf_teacher_block(uint64_t seed, int d, int act, double power, uint64_t j0, uint64_t j1,
                     const double* X, int64_t m, double* out);

/* theta_j into out[0..d) and s_j into out[d]. */
void sf_teacher_neuron_weights(uint64_t seed, int d, uint64_t j, double* out);

/* Philox4x32-10 of counter (c0..c3) under key (k0, k1), into out[0..4). */
void sf_philox_words(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                     uint32_t* out);

#endif
