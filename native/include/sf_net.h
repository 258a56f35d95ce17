/* Two-layer ReLU networks trained by full-batch gradient descent, per-neuron formulas shared by the CPU
 * (native/src/gd.c) and CUDA backends. Model (docs/method.md, 'The two-layer network', 'One step'):
 *   f(x) = s sum_h w2_h relu(w1_h . x + b_h),  s = 1/H (mean field) or 1/sqrt(H),
 *   F = alpha (f - f0) or alpha f,  L = (1/n) sum_i (F_i - y_i)^2 / (2 alpha) + R(w),
 * and dL/df_i = (F_i - y_i) / n =: r_i (alpha cancels). A step is p -= lr H grad, with the regulariser's
 * gradient, the conic rescaling and the sphere projection applied per neuron, in that order. */
#ifndef SF_NET_H
#define SF_NET_H

#include "sf_common.h"

/* Neurons per block: a block's partial outputs are summed in block order (deterministic). */
#define SF_GD_BLOCK 256
/* Point arrays are padded to a multiple of this (the widest vector: 8 doubles). */
#define SF_GD_PAD 8

/* One net's state, the one layout that the CPU step (native/src/gd.c), the GPU kernels (cuda/gd.cu) and the Java
 * host (org.sparsefeat.backend.cpu.GdNetField, which reads the offsets from libsparsefeat: sf_layout.h) share.
 * Every field is 8 bytes. Point arrays have np = n rounded up to a multiple of SF_GD_PAD entries; xt is d x np
 * (inputs transposed). partial has one row of np per block of SF_GD_BLOCK (CPU) or SF_GD_CHUNK (GPU) neurons.
 * Adding a field: add it to SF_LAYOUT_FIELDS (sf_layout.h) and to GdNetField in the same place. */
typedef struct sf_gd_net {
  int64_t n, np, d, h;
  const double* xt;      /* d x np training inputs */
  const double* y;       /* n targets */
  const double* f0;      /* n outputs of the initial net, or NULL when f0 is not subtracted */
  double* f;             /* np outputs f(x_i) at the current weights (without alpha, f0) */
  double* r;             /* np residuals dL/df_i, scratch */
  double* partial;       /* blocks x np partial outputs, scratch */
  double* w1;            /* h x d */
  double* b;             /* h biases, or NULL */
  double* w2;            /* h */
  double scale, alpha, lr, lambda, lambda_power, loss_stop, stop_below;
  int64_t reg, schedule, sphere, conic, conic_from_start, quirks;
  int64_t step;          /* steps done */
  double loss;           /* training half MSE (1/2n) sum (F - y)^2 at the current weights */
  /* GPU only (cuda/gd.cu; the CPU leaves them 0) */
  int64_t chunks;        /* rows of partial: h / SF_GD_CHUNK rounded up */
  int64_t limit;         /* the step at which this net stops for now (the host's budget) */
  int64_t stopped;       /* set by the device when the stopping rule (sf_gd_stops) holds */
} sf_gd_net;

enum sf_reg { SF_REG_NONE = 0, SF_REG_L1 = 1, SF_REG_L2 = 2 };
enum sf_schedule { SF_LAMBDA_CONST = 0, SF_LAMBDA_POW_LAW = 1, SF_LAMBDA_EXP = 2, SF_LAMBDA_PL_EXP = 3 };

/* The regularisation strength at step t (none | pow_law | exp | pl_exp, p the schedule's power). */
SF_HD double sf_lambda_at(int schedule, double lambda, double p, double t, int n) {
  switch (schedule) {
    case SF_LAMBDA_POW_LAW: return lambda / (1.0 + pow(t, p));
    case SF_LAMBDA_EXP: return lambda * exp(1.0 - pow(t, p));
    case SF_LAMBDA_PL_EXP: return lambda * exp(1.0 - sqrt(t) / pow((double)n, 0.7)) / (1.0 + t);
    default: return lambda;
  }
}

/* torch's sign: sign(0) = 0, so an L1 subgradient leaves exact zeros alone. */
SF_HD double sf_sign(double v) { return (double)((v > 0.0) - (v < 0.0)); }

/* Everything a neuron's update needs besides its own weights. */
typedef struct {
  int d, h, bias;
  int reg;          /* sf_reg */
  double lambda;    /* lambda at this step (after the schedule; 0 switches the regulariser off) */
  int sphere;       /* w1 rows live on the unit sphere: l1 is then (lambda/H) sum |w2| (+ |b|) */
  int conic;        /* apply the conic rescaling at this step */
  int conic_signed; /* the reference's quirk: divide the first-layer gradient by w2, not |w2| */
  double eta;       /* the step lr * H */
} sf_neuron_rule;

/* The rule of step `step` (0-based): lambda after the schedule, or 0.5 at step 0 under the reference's quirks
 * (its step-0 loss carries the regulariser at lambda = 0.5: docs/method.md, 'Reference quirks'); conic rescaling
 * after step 5, or from the start when w2 does not start at zero; the quirks' signed conic division. */
SF_HD sf_neuron_rule sf_rule_at(int d, int h, int bias, int reg, double lambda, int schedule, double power, int n,
                                long long step, int sphere, int conic, int conic_from_start, int quirks, double eta) {
  sf_neuron_rule r;
  r.d = d;
  r.h = h;
  r.bias = bias;
  r.reg = reg;
  r.lambda = quirks && step == 0 ? 0.5 : sf_lambda_at(schedule, lambda, power, (double)step, n);
  r.sphere = sphere;
  r.conic = conic && (step > 5 || conic_from_start);
  r.conic_signed = quirks;
  r.eta = eta;
  return r;
}

/* The rule of a net's current step, for input dimension d (a compile-time constant in the GPU kernels). */
SF_HD sf_neuron_rule sf_gd_rule(const sf_gd_net* q, int d) {
  return sf_rule_at(d, (int)q->h, q->b != 0, (int)q->reg, q->lambda, (int)q->schedule, q->lambda_power, (int)q->n,
                    q->step, (int)q->sphere, (int)q->conic, (int)q->conic_from_start, (int)q->quirks,
                    q->lr * (double)q->h);
}

/* The error F_i - y_i of the predictor F = alpha (f - f0), or alpha f when f0 is NULL (the alpha-trick). */
SF_HD double sf_gd_error(double alpha, double f, const double* f0, const double* y, int64_t i) {
  return alpha * (f0 ? f - f0[i] : f) - y[i];
}

/* The training half MSE (1/2n) sum (F - y)^2 from the sum of squared errors. */
SF_HD double sf_half_mse_of(double sum_squares, int64_t n) { return sum_squares / (2.0 * (double)n); }

/* The stopping rule after a step: the loss is NaN (divergence), below the rule's floor loss_stop (the reference's
 * 1e-30), or at most the caller's stop_below (a learning curve's target). */
SF_HD int sf_gd_stops(double loss, double loss_stop, double stop_below) {
  return loss != loss || loss < loss_stop || loss <= stop_below;
}

/* Adds the regulariser's gradient, rescales (conic), projects (sphere), steps and renormalises one
 * neuron. g1 (d values), gb and g2 hold dL_data/dparam on entry; w1 (d values), b and w2 are updated. */
SF_HD void sf_neuron_update(const sf_neuron_rule* r, double* w1, double* b, double* w2, double* g1, double* gb,
                            double* g2) {
  const int d = r->d;
  const double c = r->lambda / r->h;
  if (r->reg == SF_REG_L2 && c != 0.0) {
    for (int k = 0; k < d; k++) g1[k] += c * w1[k];
    if (r->bias) *gb += c * *b;
    *g2 += c * *w2;
  } else if (r->reg == SF_REG_L1 && c != 0.0) {
    if (r->sphere) {
      *g2 += c * sf_sign(*w2);
      if (r->bias) *gb += c * sf_sign(*b);
    } else {  /* path norm (lambda/H) |w1_h, b_h| |w2_h| */
      double nrm2 = 0.0;
      for (int k = 0; k < d; k++) nrm2 += w1[k] * w1[k];
      if (r->bias) nrm2 += *b * *b;
      double nrm = sqrt(nrm2);
      *g2 += c * nrm * sf_sign(*w2);
      if (nrm > 0.0) {
        double f = c * fabs(*w2) / nrm;
        for (int k = 0; k < d; k++) g1[k] += f * w1[k];
        if (r->bias) *gb += f * *b;
      }
    }
  }
  if (r->conic && *w2 != 0.0) {
    double q = r->conic_signed ? *w2 : fabs(*w2);
    for (int k = 0; k < d; k++) g1[k] /= q;
    if (r->bias) *gb /= q;
    *g2 *= q;
  }
  if (r->sphere) {
    double dot = 0.0;
    for (int k = 0; k < d; k++) dot += g1[k] * w1[k];
    for (int k = 0; k < d; k++) g1[k] -= dot * w1[k];
  }
  for (int k = 0; k < d; k++) w1[k] -= r->eta * g1[k];
  if (r->bias) *b -= r->eta * *gb;
  *w2 -= r->eta * *g2;
  if (r->sphere) {
    double nrm2 = 0.0;
    for (int k = 0; k < d; k++) nrm2 += w1[k] * w1[k];
    double inv = 1.0 / sqrt(nrm2);
    for (int k = 0; k < d; k++) w1[k] *= inv;
  }
}

/* The regulariser's value for one neuron; its sum over neurons is R(w). */
SF_HD double sf_neuron_reg_value(const sf_neuron_rule* r, const double* w1, double b, double w2) {
  const int d = r->d;
  const double c = r->lambda / r->h;
  if (r->reg == SF_REG_L2) {
    double s = w2 * w2 + (r->bias ? b * b : 0.0);
    for (int k = 0; k < d; k++) s += w1[k] * w1[k];
    return 0.5 * c * s;
  }
  if (r->reg == SF_REG_L1) {
    if (r->sphere) return c * (fabs(w2) + (r->bias ? fabs(b) : 0.0));
    double nrm2 = r->bias ? b * b : 0.0;
    for (int k = 0; k < d; k++) nrm2 += w1[k] * w1[k];
    return c * sqrt(nrm2) * fabs(w2);
  }
  return 0.0;
}

#endif
