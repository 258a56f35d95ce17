/* The CUDA kernels' launch geometry (the .cu files of cuda/), in a header that gcc compiles too: libsparsefeat exports
 * these values (native/src/layout.c, sf_layout_*) and the Java host code reads them from there
 * (org.sparsefeat.backend.cpu.NativeLayout) instead of copying the numbers. Plain macros only: no CUDA here. */
#ifndef SF_LAUNCH_H
#define SF_LAUNCH_H

/* ---- cuda/gd.cu ---- */
/* The input dimensions the GD kernels are compiled for (one kernel per d: per-thread arrays in registers). */
#define SF_GD_DIMENSIONS(CASE) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(8) CASE(10) CASE(16)
#define SF_GD_DIMENSION_BIT(D) | (1LL << (D))
/* The same set as a bit mask (bit d set for each d), the form the library exports. */
#define SF_GD_DIMENSION_MASK (0 SF_GD_DIMENSIONS(SF_GD_DIMENSION_BIT))
#define SF_GD_CHUNK 256    /* neurons per row of partial outputs; points per block of sf_gd_partial* */
#define SF_GD_FINISH 1024  /* threads of sf_gd_finish: one point per thread up to n = 1024 */
#define SF_GD_NEURONS 32   /* v1: neurons per block of sf_gd_neurons (threadIdx.x) */
#define SF_GD_SLICES 8     /* v1: threads per neuron (threadIdx.y), each over every 8th point: h = 1e4 alone fills the GPU */
#define SF_GD2_THREADS 128
#define SF_GD2_POINTS 2      /* v2: points per thread of sf_gd_partial2 (a block covers SF_GD_CHUNK points, as in v1) */
#define SF_GD2_LANES 16      /* v2: neuron lanes of sf_gd_neurons2 (threadIdx.x) */
#define SF_GD2_PER_THREAD 2  /* v2: neurons per thread of sf_gd_neurons2: a block updates SF_GD2_LANES x this = 32 */
#define SF_GD2_SLICES 8      /* v2: threads per neuron group (threadIdx.y), each over every 8th point, as in v1 */
#define SF_GD2_BLOCK_NEURONS (SF_GD2_LANES * SF_GD2_PER_THREAD)
#define SF_GD_REG_THREADS 128  /* threads per block of sf_gd_reg (one neuron each) */
#define SF_GD_SUM_THREADS 256  /* the one block of sf_gd_sum */

/* ---- cuda/cholesky.cu ---- */
#define SF_CHOL_CB 32            /* leaf 32: the diagonal block sf_potrf_diag factors (32 x 32 threads) */
#define SF_CHOL_TILE 16          /* leaf 32: the tiles of sf_syrk_update (16 x 16 threads) */
#define SF_CHOL_LEAF 64          /* leaf 64: the diagonal block sf_potrf_leaf factors in one launch */
#define SF_CHOL_LEAF_THREADS 256 /* leaf 64: threads of sf_potrf_leaf, sf_trsm_panel_leaf and sf_syrk_update_leaf */
#define SF_CHOL_PANEL_ROWS 16    /* leaf 64: rows of the panel per block of sf_trsm_panel_leaf */

/* ---- cuda/linalg.cu ---- */
#define SF_SOLVE_BLOCK 32        /* the triangular solves' block width */
#define SF_SOLVE_ROWS 8          /* rows per thread block of sf_trsv_update */
#define SF_GEMV_THREADS 256      /* threads per row of sf_gemv_rows */

/* ---- cuda/flow.cu ---- */
#define SF_FLOW_THREADS 256  /* threads per block of the flow's kernels: a row of Z per block of sf_flow_rows */
#define SF_FLOW_BLOCKS 256   /* blocks of sf_flow_turn, whose partial sums sf_flow_scalars adds in order */

/* ---- cuda/gram.cu ---- */
#define SF_GRAM_TILE 16  /* a block computes a SF_GRAM_TILE x SF_GRAM_TILE tile of K */
#define SF_PREDICT_ROWS 8        /* sf_gram_times: points per block, each centre loaded once for all of them */
#define SF_PREDICT_THREADS 256   /* sf_gram_times: threads per block, striding over the centres (a power of 2) */

/* ---- cuda/teacher.cu ---- */
#define SF_TEACHER_THREADS 256  /* neurons per block, one per thread; then one point per thread */
#define SF_TEACHER_MAX_D 16

#endif
