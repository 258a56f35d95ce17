package org.sparsefeat.backend.cuda;

import org.sparsefeat.backend.GramFactor;
import org.sparsefeat.backend.cpu.NativeLayout;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.linalg.Pivots;

/**
 * Dense linear algebra on a device matrix (row-major, n x n, lower triangle): the ridge, the Cholesky
 * factorisation (cuda/cholesky.cu, with cuBLAS for the level-3 work when there is one), triangular solves and the
 * products of a factor (cuda/linalg.cu). Every reduction runs in a fixed order.
 */
final class DeviceLinalg {
    // the launch geometry of cuda/cholesky.cu and cuda/linalg.cu, as libsparsefeat reports it (native/include/sf_launch.h)
    private static final int CHOLESKY_BLOCK = NativeLayout.constant("SF_CHOL_CB");
    private static final int TILE = NativeLayout.constant("SF_CHOL_TILE");
    private static final int LEAF = NativeLayout.constant("SF_CHOL_LEAF");
    private static final int LEAF_THREADS = NativeLayout.constant("SF_CHOL_LEAF_THREADS");
    private static final int PANEL_ROWS = NativeLayout.constant("SF_CHOL_PANEL_ROWS");
    /**
     * 64 (the default) or 32: the width of the diagonal blocks our Cholesky kernels factor in one launch
     * (cuda/cholesky.cu's two leaves); read at each factorisation, so that the device check can time both.
     */
    static final String LEAF_PROPERTY = "sparsefeat.cuda.choleskyLeaf";
    static final int DEFAULT_LEAF = LEAF;
    /**
     * The largest diagonal blocks factored by our kernels when cuBLAS takes the panel solves and updates: by
     * default the leaf itself for the 64 leaf (one launch), 256 for the 32 leaf; never below the leaf; "all":
     * our kernels alone even where there is cuBLAS (so that a GPU with cuBLAS can test and time that path too).
     */
    static final String BLOCK_PROPERTY = "sparsefeat.cuda.choleskyBlock";
    private static final int SOLVE_BLOCK = NativeLayout.constant("SF_SOLVE_BLOCK");
    private static final int SOLVE_ROWS = NativeLayout.constant("SF_SOLVE_ROWS");
    static final int GEMV_THREADS = NativeLayout.constant("SF_GEMV_THREADS");
    /** At most this many slabs of rows in L^T x (sf_trmv_lower_t), of at least 64 rows. */
    private static final int TRMV_SLABS = 32;

    private final Device dev;
    private final Device.Kernel potrfDiag, trsmPanel, syrkUpdate, potrfLeaf, trsmPanelLeaf, syrkUpdateLeaf, addDiagonal, getDiagonal, trsvDiag, trsvUpdate,
            trsvDiagT, trsvUpdateT, gemvRows, trmvLowerT, addSlabs;

    DeviceLinalg(Device dev) {
        this.dev = dev;
        potrfDiag = dev.kernel("cholesky", "sf_potrf_diag");
        trsmPanel = dev.kernel("cholesky", "sf_trsm_panel");
        syrkUpdate = dev.kernel("cholesky", "sf_syrk_update");
        potrfLeaf = dev.kernel("cholesky", "sf_potrf_leaf");
        trsmPanelLeaf = dev.kernel("cholesky", "sf_trsm_panel_leaf");
        syrkUpdateLeaf = dev.kernel("cholesky", "sf_syrk_update_leaf");
        addDiagonal = dev.kernel("linalg", "sf_add_diagonal");
        getDiagonal = dev.kernel("linalg", "sf_get_diagonal");
        trsvDiag = dev.kernel("linalg", "sf_trsv_diag");
        trsvUpdate = dev.kernel("linalg", "sf_trsv_update");
        trsvDiagT = dev.kernel("linalg", "sf_trsv_diag_t");
        trsvUpdateT = dev.kernel("linalg", "sf_trsv_update_t");
        gemvRows = dev.kernel("linalg", "sf_gemv_rows");
        trmvLowerT = dev.kernel("linalg", "sf_trmv_lower_t");
        addSlabs = dev.kernel("linalg", "sf_add_slabs");
    }

    private void launch(Device.Kernel k, long blocksX, long blocksY, int threadsX, int threadsY, KernelArgs args) {
        dev.launch(k, Device.Dim.of(blocksX, blocksY), new Device.Dim(threadsX, threadsY, 1), args);
    }

    /** y := A x for a device matrix A (m x n), one block per row; lower: only j <= i. */
    void gemv(DeviceArray a, long m, long n, DeviceArray x, boolean lower, DeviceArray y) {
        launch(gemvRows, m, 1, GEMV_THREADS, 1, KernelArgs.of().ptr(a).i64(m).i64(n).ptr(x).i32(lower).ptr(y));
    }

    /** y += the sum of the slabs of partial (slabs x n), in order. */
    void addSlabs(DeviceArray partial, long slabs, long n, DeviceArray y) {
        launch(addSlabs, Device.Dim.cover(n, 256), 1, 256, 1, KernelArgs.of().ptr(partial).i64(slabs).i64(n).ptr(y));
    }

    /** The diagonal of a device matrix (n x n). */
    double[] diagonal(DeviceArray a, int n) {
        try (DeviceArray diag = DeviceArray.allocate(dev, "a diagonal", n)) {
            launch(getDiagonal, Device.Dim.cover(n, 256), 1, 256, 1, KernelArgs.of().ptr(a).i64(n).ptr(diag));
            return diag.download();
        }
    }

    /** The leaf width {@link #LEAF_PROPERTY} asks for: 64 (the default) or 32. */
    static int choleskyLeaf() {
        String v = System.getProperty(LEAF_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_LEAF;
        }
        return switch (v.trim()) {
            case "32" -> CHOLESKY_BLOCK;
            case "64" -> LEAF;
            default -> throw new org.sparsefeat.util.InvalidInputException("-D" + LEAF_PROPERTY + " must be 32 or 64, got '" + v + "'");
        };
    }

    /**
     * The largest diagonal block our kernels factor between cuBLAS calls, for a leaf of that width ({@link
     * Integer#MAX_VALUE} for "all").
     */
    private static int blasBlock(int leaf) {
        String v = System.getProperty(BLOCK_PROPERTY);
        if (v == null || v.isBlank()) {
            return leaf == LEAF ? LEAF : 256;
        }
        if (v.trim().equals("all")) {
            return Integer.MAX_VALUE;
        }
        try {
            int block = Integer.parseInt(v.trim());
            if (block > 0) {
                return Math.max(leaf, block);
            }
        } catch (NumberFormatException ignored) {
            // the message below
        }
        throw new org.sparsefeat.util.InvalidInputException("-D" + BLOCK_PROPERTY + " must be a positive number of rows or 'all', got '"
                + v + "'");
    }

    /** Which Cholesky path {@link #factor} takes now, for the device check's rows. */
    String choleskyPath() {
        int leaf = choleskyLeaf(), block = blasBlock(leaf);
        return "leaf " + leaf + (dev.blas().isEmpty() ? ", our kernels alone (no cuBLAS)"
                : block == Integer.MAX_VALUE ? ", our kernels alone (-D" + BLOCK_PROPERTY + "=all)"
                : ", recursive to blocks of " + block + " with cuBLAS DTRSM / DSYRK");
    }

    /**
     * Replaces the lower triangle of the device matrix a (n x n) by L with L L^T = A + ridge I: the ridge added
     * on the device, then a recursive factorisation with diagonal blocks of at most {@link #blasBlock} in our
     * kernels (cuda/cholesky.cu) and cuBLAS's DTRSM and DSYRK between them, or, without cuBLAS, our kernels
     * throughout (block columns of the leaf's width; expect them well below cuBLAS at large n). The same verdicts
     * as the CPU backend: LAPACK's first non-positive (or NaN) pivot, found on the device, then the rule of
     * {@link Pivots}.
     */
    void factor(DeviceArray a, int n, double ridge) {
        int leaf = choleskyLeaf(), block = blasBlock(leaf);   // a bad property fails before a is touched
        double maxDiag = Pivots.maxDiagonal(diagonal(a, n), ridge);
        if (ridge != 0) {
            launch(addDiagonal, Device.Dim.cover(n, 256), 1, 256, 1, KernelArgs.of().ptr(a).i64(n).f64(ridge));
        }
        int[] info = {0};
        try (DeviceArray di = DeviceArray.allocate(dev, "the factorisation's status", 1)) {
            di.zero();
            if (dev.blas().isPresent() && block < n) {
                factorRecursive(a, n, 0, n, leaf, block, di);
            } else {
                factorDiagonalBlock(a, n, 0, n, leaf, di);
            }
            dev.copyToHost(info, di.address());
        }
        if (info[0] > 0) {
            throw new NotPositiveDefiniteException(info[0], n, "the leading minor of order " + info[0] + " is not positive");
        }
        Pivots.requireNumericallyPositive(diagonal(a, n), maxDiag);
    }

    /**
     * Rows and columns [p0, p1) of a (leading dimension n) factored recursively: the left half (rounded up to a
     * multiple of the leaf), then its panel below (DTRSM) and the update of the right half (DSYRK), then the
     * right half; blocks of at most {@code block} in our kernels. The top levels are a few large cuBLAS calls (the
     * largest a rank-n/2 update), where cuBLAS runs nearest its peak; a right-looking loop would make n/256
     * rank-256 updates instead.
     */
    private void factorRecursive(DeviceArray a, int n, long p0, long p1, int leaf, int block, DeviceArray info) {
        if (p1 - p0 <= block) {
            factorDiagonalBlock(a, n, p0, p1, leaf, info);
            return;
        }
        long mid = p0 + ((p1 - p0) / 2 + leaf - 1) / leaf * leaf;
        factorRecursive(a, n, p0, mid, leaf, block, info);
        int w = (int) (mid - p0), rest = (int) (p1 - mid);
        // row-major lower = column-major upper: L21 := A21 L11^-T is U12 := U11^-T A12, and A22 -= L21 L21^T is
        // U22 -= U12^T U12
        CudaBlas blas = dev.blas().orElseThrow();
        blas.trsmLeftUpperTransposed(w, rest, a.at(p0 * n + p0), n, a.at(mid * n + p0), n);
        blas.syrkUpperTransposed(rest, w, -1.0, a.at(mid * n + p0), n, 1.0, a.at(mid * n + mid), n);
        factorRecursive(a, n, mid, p1, leaf, block, info);
    }

    /**
     * Rows and columns [p0, p1) of a (leading dimension n) factored by our kernels, block column by block column
     * of the leaf's width: the 32 leaf in three kernels a column block, the 64 leaf likewise with its own three
     * (one launch in all when the block is no wider than the leaf).
     */
    private void factorDiagonalBlock(DeviceArray a, int n, long p0, long p1, int leaf, DeviceArray info) {
        for (long k0 = p0; k0 < p1; k0 += leaf) {
            int kb = (int) Math.min(leaf, p1 - k0);
            long rest = p1 - k0 - kb;
            KernelArgs args = KernelArgs.of().ptr(a).i64(n).i64(p1).i64(k0).i32(kb);
            if (leaf == LEAF) {
                launch(potrfLeaf, 1, 1, LEAF_THREADS, 1, KernelArgs.of().ptr(a).i64(n).i64(k0).i32(kb).ptr(info));
                if (rest > 0) {
                    launch(trsmPanelLeaf, Device.Dim.cover(rest, PANEL_ROWS), 1, LEAF_THREADS, 1, args);
                    long tiles = Device.Dim.cover(rest, LEAF);
                    launch(syrkUpdateLeaf, tiles, tiles, LEAF_THREADS, 1, args);
                }
                continue;
            }
            launch(potrfDiag, 1, 1, CHOLESKY_BLOCK, CHOLESKY_BLOCK, KernelArgs.of().ptr(a).i64(n).i64(k0).i32(kb).ptr(info));
            if (rest > 0) {
                launch(trsmPanel, Device.Dim.cover(rest, 128), 1, 128, 1, args);
                long tiles = Device.Dim.cover(rest, TILE);
                launch(syrkUpdate, tiles, tiles, TILE, TILE, args);
            }
        }
    }

    /** L in device memory, freed with the factor. */
    GramFactor factorOf(DeviceArray l, int n) { return new DeviceFactor(l, n); }

    private final class DeviceFactor implements GramFactor {
        private final DeviceArray l;
        private final int n;

        DeviceFactor(DeviceArray l, int n) {
            this.l = l;
            this.n = n;
        }

        @Override
        public int size() { return n; }

        @Override
        public double[] solve(double[] b) {
            if (b.length != n) {
                throw new IllegalArgumentException("right-hand side has " + b.length + " values, the factor is " + n + " x " + n);
            }
            try (DeviceArray x = DeviceArray.upload(dev, "a right-hand side", b)) {
                DeviceLinalg.this.solve(l, n, x);
                return x.download();
            }
        }

        @Override
        public double[] factorMultiply(double[] v) {
            long rows = Math.max(64, Device.Dim.cover(n, TRMV_SLABS)), slabs = Device.Dim.cover(n, rows);
            try (DeviceArray x = DeviceArray.upload(dev, "a vector", v);
                 DeviceArray t = DeviceArray.allocate(dev, "L^T x", n);
                 DeviceArray partial = DeviceArray.allocate(dev, "L^T x by slabs of rows", slabs * n)) {
                launch(trmvLowerT, Device.Dim.cover(n, 128), slabs, 128, 1,
                        KernelArgs.of().ptr(l).i64(n).ptr(x).i64(rows).ptr(partial));
                t.zero();
                addSlabs(partial, slabs, n, t);
                gemv(l, n, n, t, true, x);
                return x.download();
            }
        }

        @Override
        public void close() { l.close(); }
    }

    /**
     * x := (L L^T)^{-1} x: forward then backward substitution, by two cuBLAS DTRSV calls (one host call each) where
     * there is cuBLAS, else in our kernels (blocks of 32: about 4n/32 launches, each waiting for the last); {@code
     * -Dsparsefeat.cuda.solve=kernels} forces ours, so that the device check can time both.
     */
    void solve(DeviceArray l, int n, DeviceArray x) {
        if (!"kernels".equals(System.getProperty(SOLVE_PROPERTY)) && dev.blas().isPresent()) {
            CudaBlas blas = dev.blas().get();
            // row-major L = column-major U = L^T: L z = b is U^T z = b, then L^T c = z is U c = z
            blas.trsvUpper(true, n, l.address(), n, x.address());
            blas.trsvUpper(false, n, l.address(), n, x.address());
            return;
        }
        solveInKernels(l, n, x);
    }

    /** "kernels" or "cublas" (the default where cuBLAS was found): which solve path {@link #solve} takes. */
    static final String SOLVE_PROPERTY = "sparsefeat.cuda.solve";

    /** Which path {@link #solve} takes now, for the device check's rows. */
    String solvePath() {
        return !"kernels".equals(System.getProperty(SOLVE_PROPERTY)) && dev.blas().isPresent() ? "cuBLAS DTRSV"
                : "our kernels";
    }

    private void solveInKernels(DeviceArray l, int n, DeviceArray x) {
        for (long k0 = 0; k0 < n; k0 += SOLVE_BLOCK) {
            int kb = (int) Math.min(SOLVE_BLOCK, n - k0);
            KernelArgs args = KernelArgs.of().ptr(l).i64(n).i64(k0).i32(kb).ptr(x);
            launch(trsvDiag, 1, 1, SOLVE_BLOCK, 1, args);
            long below = n - k0 - kb;
            if (below > 0) {
                launch(trsvUpdate, Device.Dim.cover(below, SOLVE_ROWS), 1, SOLVE_BLOCK, SOLVE_ROWS, args);
            }
        }
        for (long k0 = (n - 1) / SOLVE_BLOCK * (long) SOLVE_BLOCK; k0 >= 0; k0 -= SOLVE_BLOCK) {
            int kb = (int) Math.min(SOLVE_BLOCK, n - k0);
            KernelArgs args = KernelArgs.of().ptr(l).i64(n).i64(k0).i32(kb).ptr(x);
            launch(trsvDiagT, 1, 1, SOLVE_BLOCK, 1, args);
            if (k0 > 0) {
                launch(trsvUpdateT, Device.Dim.cover(k0, 128), 1, 128, 1, args);
            }
        }
    }

}
