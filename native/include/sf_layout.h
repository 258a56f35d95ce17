/* What the Java host must lay out or launch exactly as the C and CUDA code expects, as one list: every field of
 * struct sf_gd_net (sf_net.h) and every constant of sf_launch.h, sf_net.h and sf_teacher.h that Java uses. Expanded by
 * native/src/layout.c (gcc: the table libsparsefeat exports) and by the kernel sf_layout_values of cuda/gd.cu
 * (nvcc, or g++ in the emulator: the same values as the device compiler sees them), so a test compares the two and
 * Java never copies a number. FIELD(name) is a field of sf_gd_net, CONST(name) a macro. */
#ifndef SF_LAYOUT_H
#define SF_LAYOUT_H

#include <stddef.h>
#include "sf_launch.h"
#include "sf_net.h"
#include "sf_teacher.h"  /* SF_STREAM_TEACHER */

#define SF_LAYOUT_FIELDS(FIELD)                                                                          \
  FIELD(n) FIELD(np) FIELD(d) FIELD(h) FIELD(xt) FIELD(y) FIELD(f0) FIELD(f) FIELD(r) FIELD(partial)      \
  FIELD(w1) FIELD(b) FIELD(w2) FIELD(scale) FIELD(alpha) FIELD(lr) FIELD(lambda) FIELD(lambda_power)      \
  FIELD(loss_stop) FIELD(stop_below) FIELD(reg) FIELD(schedule) FIELD(sphere) FIELD(conic)                \
  FIELD(conic_from_start) FIELD(quirks) FIELD(step) FIELD(loss) FIELD(chunks) FIELD(limit) FIELD(stopped)

#define SF_LAYOUT_CONSTANTS(CONST)                                                                       \
  CONST(SF_GD_BLOCK) CONST(SF_GD_PAD) CONST(SF_GD_DIMENSION_MASK) CONST(SF_GD_CHUNK) CONST(SF_GD_FINISH)  \
  CONST(SF_GD_NEURONS) CONST(SF_GD_SLICES) CONST(SF_GD2_THREADS) CONST(SF_GD2_POINTS) CONST(SF_GD2_LANES) \
  CONST(SF_GD2_PER_THREAD) CONST(SF_GD2_SLICES) CONST(SF_GD_REG_THREADS) CONST(SF_GD_SUM_THREADS)         \
  CONST(SF_GRAM_TILE) CONST(SF_PREDICT_ROWS) CONST(SF_PREDICT_THREADS) CONST(SF_TEACHER_THREADS) CONST(SF_TEACHER_MAX_D) CONST(SF_STREAM_TEACHER)               \
  CONST(SF_CHOL_CB) CONST(SF_CHOL_TILE) CONST(SF_CHOL_LEAF) CONST(SF_CHOL_LEAF_THREADS) CONST(SF_CHOL_PANEL_ROWS) \
  CONST(SF_SOLVE_BLOCK) CONST(SF_SOLVE_ROWS) CONST(SF_GEMV_THREADS) CONST(SF_FLOW_THREADS) CONST(SF_FLOW_BLOCKS)

/* Entries: sizeof(sf_gd_net), then the fields' offsets, then the constants. */
#define SF_LAYOUT_ONE(x) +1
#define SF_LAYOUT_COUNT (1 SF_LAYOUT_FIELDS(SF_LAYOUT_ONE) SF_LAYOUT_CONSTANTS(SF_LAYOUT_ONE))

#endif
