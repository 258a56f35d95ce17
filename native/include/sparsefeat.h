/* The functions libsparsefeat exports to Java (bound with FFM in org.sparsefeat.backend.cpu.NativeKernels).
 * Matrices are row-major; X is n x d, Yt is the transpose of Y (d x m) so tiles read it contiguously. */
#ifndef SPARSEFEAT_H
#define SPARSEFEAT_H

#include <stdint.h>
#include "sf_net.h"

/* K[i][j] = k(X_i, Y_j) for i in [i0, i1), j in [j0, j1) (j <= i too when lower != 0); xn, yn are the
 * row norms; same != 0 says that X and Y are the same points (so X_i . Y_i = |X_i|^2 exactly).
 * Returns 0, or -1 for an unknown kernel id. */
int sf_gram_block(int id, double param, int d,
                  const double* X, const double* xn, int64_t i0, int64_t i1,
                  const double* Yt, const double* yn, int64_t m, int64_t j0, int64_t j1,
                  int lower, int same, double* K, int64_t ldk);

/* f[i] = sum over j < m of k(X_i, Y_j) c[j] for i in [i0, i1), without storing K: the kernel values of
 * sf_gram_block (the same bits) reduced against c tile by tile, one fixed order per row (so any split of the
 * rows over threads gives the same f). Returns 0, or -1 for an unknown kernel id. */
int sf_gram_times(int id, double param, int d, const double* X, const double* xn, int64_t i0, int64_t i1,
                  const double* Yt, const double* yn, const double* c, int64_t m, int same, double* f);

/* In place: G[i][j] = k from the dot product G[i][j] = X_i . Y_j, for rows [i0, i1) of an m-column G (the
 * GEMM path for image-sized d); lower zeroes j > i. Returns 0, or -1 for an unknown kernel id. */
int sf_kernel_apply(int id, double param, int d, double* G, int64_t i0, int64_t i1, int64_t m, const double* xn,
                    const double* yn, int lower, int same);

/* bytes of fresh zero memory from mmap, huge pages advised, faulted in by whoever first writes it (src/memory.c);
 * NULL when the system refuses. sf_fresh_free returns it. */
void* sf_fresh_alloc(int64_t bytes);
void sf_fresh_free(void* p, int64_t bytes);

/* a[i][j] = a[j][i] for j > i, rows i in [i0, i1) of an n x n row-major matrix: a symmetric tile from its lower
 * triangle. */
void sf_mirror_lower(double* a, int64_t n, int64_t i0, int64_t i1);

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

/* a[i] = c softplus(beta z[i]) / beta and da[i] = c sigmoid(beta z[i]) (sf_act.h), i < count. */
void sf_softplus_act(const double* z, int64_t count, double beta, double c, double* a, double* da);

/* ---- gradient descent of two-layer ReLU nets (src/gd.c, formulas in sf_net.h) ---- */

/* struct sf_gd_net, SF_GD_BLOCK and SF_GD_PAD: sf_net.h (one layout for the CPU, the GPU and Java). */

int64_t sf_gd_blocks_of(int64_t h);
/* Chooses the instruction set of the vector loops (Gram, teacher, GD): 4 (AVX-512, where the CPU has it), 3
 * (AVX2), 1 (baseline x86-64, the benchmark guard's slow path), or 0 (AVX-512 where available unless
 * SPARSEFEAT_ISA=v3 or SPARSEFEAT_ISA=generic); a negative value only asks. Returns the one in
 * use. Results agree to ~1e-16 relative. */
int sf_select_isa(int want);
/* A step in three phases, so that a caller can spread the blocks over threads: residuals; blocks
 * [b0, b1) (gradient, update, partial outputs); outputs, step count and loss (returns 1 on NaN). */
void sf_gd_begin(sf_gd_net* net);
void sf_gd_blocks(sf_gd_net* net, int64_t b0, int64_t b1);
int sf_gd_end(sf_gd_net* net);
/* Up to k steps on this thread; stops after a step where sf_gd_stops holds.
 * Returns the steps done. */
int64_t sf_gd_steps(sf_gd_net* net, int64_t k);
double sf_half_mse(const sf_gd_net* net);
/* R(w) at the current step's lambda. */
double sf_gd_regularizer(const sf_gd_net* net);
/* out[0..np) = f at the points xt (d x np); partial: blocks x np scratch. */
void sf_net_forward(const double* w1, const double* b, const double* w2, int64_t h, int64_t d, double scale,
                    const double* xt, int64_t n, double* out, double* partial);

/* The layout table of sf_layout.h: entry i's name ("sizeof(sf_gd_net)", "sf_gd_net.<field>" for an offset, or a
 * constant's macro name) and value; i < sf_layout_count(). */
int64_t sf_layout_count(void);
const char* sf_layout_name(int64_t i);
int64_t sf_layout_value(int64_t i);

#endif
