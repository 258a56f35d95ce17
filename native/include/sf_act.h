/* The image nets' activation and loss (docs/method.md, 'Image experiments'), shared by native/ and cuda/:
 *   act(z) = c softplus(beta z) / beta,  act'(z) = c sigmoid(beta z),
 *   the soft hinge l(u) = softplus(beta_l u) / beta_l and its derivative sigmoid(beta_l u).
 * softplus(u) = log(1 + e^u) computed without overflow. */
#ifndef SF_ACT_H
#define SF_ACT_H

#include "sf_common.h"

SF_HD double sf_softplus(double u) { return u > 0.0 ? u + log1p(exp(-u)) : log1p(exp(u)); }

SF_HD double sf_sigmoid(double u) {
  return u >= 0.0 ? 1.0 / (1.0 + exp(-u)) : exp(u) / (1.0 + exp(u));
}

/* softplus(u) and sigmoid(u) together from one exponential e = exp(-|u|): the values of the two above (the same
 * exponential, the same branches), at half the exponentials. */
SF_HD void sf_softplus_sigmoid(double u, double* softplus, double* sigmoid) {
  const double e = exp(-fabs(u));
  *softplus = (u > 0.0 ? u : 0.0) + log1p(e);
  *sigmoid = u >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

#endif
