/* Kernel functions k(x, y) written in terms of t = x.y and the norms |x|, |y|: the Gram builders compute
 * the dot products (tiled loop here, GEMM for image-sized d) and apply these in the same pass.
 * The ids must match org.sparsefeat.kernel.KernelType#id. */
#ifndef SF_KERNELS_H
#define SF_KERNELS_H

#include "sf_common.h"

enum sf_kernel_id {
  SF_NTK = 0,      /* (t k0(phi) + |x||y| k1(phi)) / (2 d): the reference's gram_ntk, valid off the sphere  */
  SF_RFK0 = 1,     /* arc-cosine kernels of Cho & Saul, k_n = (|x||y|)^n J_n(phi) / pi                       */
  SF_RFK1 = 2,
  SF_RFK2 = 3,
  SF_RFK3 = 4,
  SF_LAPLACE = 5,  /* exp(-c sqrt(1 - x.y)) on the sphere, i.e. exp(-c |x - y| / sqrt 2) everywhere          */
  SF_GAUSSIAN = 6  /* exp(-|x - y|^2 / (2 l^2)), i.e. exp(-(1 - x.y) / l^2) on the sphere                      */
};

/* Cosine of the angle between x and y, clamped because rounding can push it just outside [-1, 1].
 * A zero vector has cosine 1 by convention (its ntk and rfk1..3 values are 0 whatever the angle). */
SF_HD double sf_cosine(double t, double nx, double ny) {
  double nn = nx * ny;
  return nn > 0.0 ? fmin(1.0, fmax(-1.0, t / nn)) : 1.0;
}

/* J_n(phi) / pi for n = 0..3 (Cho & Saul 2009), from phi = acos(c), its sine s and cosine c.
 * The reference's k3 is wrong (-3 at phi = 0): this is the correct
 * J_3 = 15 s - 11 s^3 + (pi - phi)(9 s^2 c + 15 c^3). */
SF_HD double sf_arccos_j(int n, double phi, double s, double c) {
  double r = SF_PI - phi;
  switch (n) {
    case 0: return r / SF_PI;
    case 1: return (s + r * c) / SF_PI;
    case 2: return (3.0 * s * c + r * (1.0 + 2.0 * c * c)) / SF_PI;
    default: return (15.0 * s - 11.0 * s * s * s + r * (9.0 * s * s * c + 15.0 * c * c * c)) / SF_PI;
  }
}

/* Squared distance from the dot product and the norms, clamped at 0 against cancellation. */
SF_HD double sf_dist2(double t, double nx, double ny) {
  return fmax(0.0, nx * nx + ny * ny - 2.0 * t);
}

/* k(x, y) with t = x.y, nx = |x|, ny = |y|, d the input dimension (NTK only) and param the kernel's one
 * parameter (c for Laplace, l for Gaussian; unused otherwise). */
SF_HD double sf_kernel(int id, double t, double nx, double ny, double param, int d) {
  if (id <= SF_RFK3) {
    double nn = nx * ny;
    double c = sf_cosine(t, nx, ny);
    double phi = acos(c);
    double s = sqrt(fmax(0.0, 1.0 - c * c));
    if (id == SF_NTK) /* (t k0 + |x||y| k1) / (2d), exactly the reference's gram_ntk */
      return (t * sf_arccos_j(0, phi, s, c) + nn * sf_arccos_j(1, phi, s, c)) / (2.0 * d);
    int n = id - SF_RFK0;
    double scale = n == 0 ? 1.0 : n == 1 ? nn : n == 2 ? nn * nn : nn * nn * nn;
    return scale * sf_arccos_j(n, phi, s, c);
  }
  if (id == SF_LAPLACE) return exp(-param * SF_SQRT1_2 * sqrt(sf_dist2(t, nx, ny)));
  if (id == SF_GAUSSIAN) return exp(-sf_dist2(t, nx, ny) / (2.0 * param * param));
  return NAN;
}

#endif
