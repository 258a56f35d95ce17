/* Two-layer ReLU networks trained by full-batch gradient descent, per-neuron formulas shared by the CPU
 * (native/src/gd.c) and CUDA backends. Model (docs/method.md, 'The two-layer network', 'One step'):
 *   f(x) = s sum_h w2_h relu(w1_h . x + b_h),  s = 1/H (mean field) or 1/sqrt(H),
 *   F = alpha (f - f0) or alpha f,  L = (1/n) sum_i (F_i - y_i)^2 / (2 alpha) + R(w),
 * and dL/df_i = (F_i - y_i) / n =: r_i (alpha cancels). A step is p -= lr H grad, with the regulariser's
 * gradient, the conic rescaling and the sphere projection applied per neuron, in that order. */
#ifndef SF_NET_H
#define SF_NET_H

#include "sf_common.h"

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
    *g2 *= *w2;
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
