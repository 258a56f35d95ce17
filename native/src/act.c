/* The elementwise pass of the image nets over their n x h pre-activations: act and act' together. Compiled
 * with -ffast-math so that exp / log1p vectorise through libmvec; inputs are finite (checked in Java). a may be z
 * (each entry is read before it is written). */
#include "sf_act.h"
#include "sparsefeat.h"

void sf_softplus_act(const double* z, int64_t count, double beta, double c, double* a, double* da) {
#pragma omp simd
  for (int64_t i = 0; i < count; i++) {
    double sp, sg;
    sf_softplus_sigmoid(beta * z[i], &sp, &sg);
    a[i] = c * sp / beta;
    da[i] = c * sg;
  }
}
