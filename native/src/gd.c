/* Full-batch gradient descent for two-layer ReLU nets (formulas in sf_net.h).
 *
 * One pass over the neurons per step, block by block: with the residuals r of the current weights, a
 * neuron's gradient is a sum over the training points; the neuron is updated at once and its contribution
 * to the next outputs f is added while its weights are still in registers. So a step reads the data twice
 * per neuron and never materialises an n x h matrix. Blocks of SF_GD_BLOCK neurons write their partial
 * outputs to their own row of `partial`, summed in block order: the result has the same bits whether the
 * blocks run on one thread or many, and whether a net trains alone or in a batch.
 *
 * Points are padded to a multiple of SF_GD_PAD (zero inputs, zero residuals: they add nothing to any
 * gradient); the loops run over SF_VW points at a time in vector registers (GCC vector extensions), with
 * partial sums in a fixed order. Compiled twice, for AVX2 and AVX-512 (isa.h). */
#include <stdlib.h>
#include <string.h>
#include "sf_net.h"
#include "sparsefeat.h"
#include "isa.h"
#include "dispatch.h"
#include "vec.h"

static inline sf_vd sf_vrelu(sf_vd z) { return (sf_vd)((z > 0.0) & (sf_vm)z); }
static inline sf_vd sf_vsplat(double x) { return (sf_vd){0} + x; }

static int64_t padded(int64_t n) { return (n + SF_GD_PAD - 1) / SF_GD_PAD * SF_GD_PAD; }

void SF_FN(sf_gd_begin)(sf_gd_net* net) {
  const int64_t n = net->n, np = padded(n);
  const double inv = 1.0 / (double)n;
  for (int64_t i = 0; i < n; i++) net->r[i] = sf_gd_error(net->alpha, net->f[i], net->f0, net->y, i) * inv;
  for (int64_t i = n; i < np; i++) net->r[i] = 0.0;
}

/* One neuron: its data gradient at the current weights (d + 2 accumulators of 4 lanes), then its
 * contribution at the new weights to the block's partial outputs. D is a compile-time constant in the
 * common cases (see sf_gd_blocks), so the accumulators live in registers. */
static inline __attribute__((always_inline)) void neuron_step(
    const int64_t D, const sf_neuron_rule* rule, const sf_gd_net* net, int64_t j, double* part) {
  const int64_t np = padded(net->n);
  const double s = net->scale;
  const double* xt = net->xt;
  double* w1 = net->w1 + j * D;
  double bj = net->b ? net->b[j] : 0.0;
  sf_vd g1acc[D];
  sf_vd g2acc = {0}, gbacc = {0};
  for (int64_t k = 0; k < D; k++) g1acc[k] = (sf_vd){0};
  for (int64_t i = 0; i < np; i += SF_VW) {
    sf_vd z = sf_vsplat(bj);
    for (int64_t k = 0; k < D; k++) z += w1[k] * sf_vload(xt + k * np + i);
    sf_vd r = sf_vload(net->r + i);
    sf_vd rm = (sf_vd)((z > 0.0) & (sf_vm)r);
    g2acc += r * sf_vrelu(z);
    gbacc += rm;
    for (int64_t k = 0; k < D; k++) g1acc[k] += rm * sf_vload(xt + k * np + i);
  }
  double w2 = net->w2[j];
  double g1[D];
  double g2 = s * sf_vhsum(g2acc), gb = s * w2 * sf_vhsum(gbacc);
  for (int64_t k = 0; k < D; k++) g1[k] = s * w2 * sf_vhsum(g1acc[k]);
  sf_neuron_update(rule, w1, net->b ? &net->b[j] : &bj, &net->w2[j], g1, &gb, &g2);
  bj = net->b ? net->b[j] : 0.0;
  double sw = s * net->w2[j];
  double wk[D];
  for (int64_t k = 0; k < D; k++) wk[k] = w1[k];
  for (int64_t i = 0; i < np; i += SF_VW) {
    sf_vd z = sf_vsplat(bj);
    for (int64_t k = 0; k < D; k++) z += wk[k] * sf_vload(xt + k * np + i);
    sf_vstore(part + i, sf_vload(part + i) + sw * sf_vrelu(z));
  }
}

static void block_step(const sf_neuron_rule* rule, const sf_gd_net* net, int64_t blk) {
  const int64_t np = padded(net->n), h = net->h;
  double* part = net->partial + blk * np;
  for (int64_t i = 0; i < np; i++) part[i] = 0.0;
  int64_t j1 = (blk + 1) * SF_GD_BLOCK < h ? (blk + 1) * SF_GD_BLOCK : h;
  for (int64_t j = blk * SF_GD_BLOCK; j < j1; j++) {
    switch (net->d) {  /* constant D for the sphere experiments' dimensions */
      case 2: neuron_step(2, rule, net, j, part); break;
      case 3: neuron_step(3, rule, net, j, part); break;
      case 4: neuron_step(4, rule, net, j, part); break;
      case 5: neuron_step(5, rule, net, j, part); break;
      case 6: neuron_step(6, rule, net, j, part); break;
      case 8: neuron_step(8, rule, net, j, part); break;
      case 10: neuron_step(10, rule, net, j, part); break;
      default: neuron_step(net->d, rule, net, j, part); break;
    }
  }
}

void SF_FN(sf_gd_blocks)(sf_gd_net* net, int64_t b0, int64_t b1) {
  const sf_neuron_rule rule = sf_gd_rule(net, (int)net->d);
  for (int64_t blk = b0; blk < b1; blk++) block_step(&rule, net, blk);
}

int SF_FN(sf_gd_end)(sf_gd_net* net) {
  const int64_t n = net->n, np = padded(n), blocks = sf_gd_blocks_of(net->h);
  double* f = net->f;
  memcpy(f, net->partial, sizeof(double) * (size_t)np);
  for (int64_t blk = 1; blk < blocks; blk++) {
    const double* part = net->partial + blk * np;
    for (int64_t i = 0; i < np; i++) f[i] += part[i];
  }
  net->step++;
  net->loss = SF_FN(sf_half_mse)(net);
  return net->loss != net->loss;
}

double SF_FN(sf_half_mse)(const sf_gd_net* net) {
  double sum = 0.0;
  for (int64_t i = 0; i < net->n; i++) {
    double e = sf_gd_error(net->alpha, net->f[i], net->f0, net->y, i);
    sum += e * e;
  }
  return sf_half_mse_of(sum, net->n);
}


int64_t SF_FN(sf_gd_steps)(sf_gd_net* net, int64_t k) {
  const int64_t blocks = sf_gd_blocks_of(net->h);
  for (int64_t t = 0; t < k; t++) {
    SF_FN(sf_gd_begin)(net);
    SF_FN(sf_gd_blocks)(net, 0, blocks);
    SF_FN(sf_gd_end)(net);  /* a NaN loss stops too: the caller reports divergence */
    if (sf_gd_stops(net->loss, net->loss_stop, net->stop_below)) return t + 1;
  }
  return k;
}

double SF_FN(sf_gd_regularizer)(const sf_gd_net* net) {
  sf_neuron_rule rule = sf_gd_rule(net, (int)net->d);
  double sum = 0.0;
  for (int64_t j = 0; j < net->h; j++)
    sum += sf_neuron_reg_value(&rule, net->w1 + j * net->d, net->b ? net->b[j] : 0.0, net->w2[j]);
  return sum;
}

void SF_FN(sf_net_forward)(const double* w1, const double* b, const double* w2, int64_t h, int64_t d, double scale,
                    const double* xt, int64_t n, double* out, double* partial) {
  /* the same blocks and order as a training step, so f(train) here equals the f a step leaves behind */
  const int64_t np = padded(n), blocks = sf_gd_blocks_of(h);
  for (int64_t blk = 0; blk < blocks; blk++) {
    double* part = partial + blk * np;
    for (int64_t i = 0; i < np; i++) part[i] = 0.0;
    int64_t j1 = (blk + 1) * SF_GD_BLOCK < h ? (blk + 1) * SF_GD_BLOCK : h;
    for (int64_t j = blk * SF_GD_BLOCK; j < j1; j++) {
      const double* wj = w1 + j * d;
      double bj = b ? b[j] : 0.0;
      double sw = scale * w2[j];
      for (int64_t i = 0; i < np; i += SF_VW) {
        sf_vd z = sf_vsplat(bj);
        for (int64_t k = 0; k < d; k++) z += wj[k] * sf_vload(xt + k * np + i);
        sf_vstore(part + i, sf_vload(part + i) + sw * sf_vrelu(z));
      }
    }
  }
  memcpy(out, partial, sizeof(double) * (size_t)np);
  for (int64_t blk = 1; blk < blocks; blk++)
    for (int64_t i = 0; i < np; i++) out[i] += partial[blk * np + i];
}
