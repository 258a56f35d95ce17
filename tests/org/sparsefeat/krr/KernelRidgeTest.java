package org.sparsefeat.krr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Target;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.ReferenceKernels;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.linalg.NotPositiveDefiniteException;
import org.sparsefeat.util.PhaseTimer;

class KernelRidgeTest {
    private static CpuBackend backend;

    @BeforeAll
    static void open() { backend = new CpuBackend(2); }

    @AfterAll
    static void close() { backend.close(); }

    private static Dataset teacherData(int n, int nTest, int d, long seed) {
        return Datasets.generate(new DataSpec(PointDistribution.SPHERE, d, n, nTest,
                new Target.Teacher(TeacherActivation.ABS, 1, 20_000), seed), backend);
    }

    @ParameterizedTest
    @CsvSource({"ntk, 0", "rfk1, 0", "rfk0, 1e-3", "laplace, 0", "gaussian, 1e-4", "rfk3, 1e-6"})
    void agreesWithAStraightforwardJavaImplementation(String kernelName, double ridge) {
        Kernel k = Kernel.parse(kernelName, null);
        Dataset ds = teacherData(150, 60, 4, 1);
        KrrModel model = KernelRidge.fit(backend, k, ridge, ds.xTrain(), ds.yTrain());
        double[] f = model.predict(backend, ds.xTest());

        Matrix kk = ReferenceKernels.gram(k, ds.xTrain(), ds.xTrain());
        for (int i = 0; i < kk.rows(); i++) {
            kk.set(i, i, kk.get(i, i) + ridge);
        }
        double[] c = gaussianElimination(kk, ds.yTrain());
        Matrix kt = ReferenceKernels.gram(k, ds.xTest(), ds.xTrain());
        double[] ref = new double[ds.nTest()];
        for (int i = 0; i < ref.length; i++) {
            for (int j = 0; j < c.length; j++) {
                ref[i] += kt.get(i, j) * c[j];
            }
        }
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (f[i] - ref[i]) * (f[i] - ref[i]);
            den += ref[i] * ref[i];
        }
        assertTrue(Math.sqrt(num / den) < 1e-9, kernelName + ": relative difference " + Math.sqrt(num / den));
    }

    @Test
    void ridgelessRegressionInterpolatesItsTrainingSet() {
        Dataset ds = teacherData(800, 200, 5, 2);
        KrrRun.Outcome r = KrrRun.run(backend, Kernel.of(KernelType.NTK), 0, ds, new PhaseTimer());
        double var = Metrics.mse(new double[ds.n()], ds.yTrain());
        assertTrue(r.trainMse() < 1e-20 * var, "train MSE " + r.trainMse() + " vs target power " + var);
        assertTrue(r.testMse() > 1e-6 * var && r.testMse() < var, "test MSE " + r.testMse());
        assertTrue(r.seconds().keySet().containsAll(java.util.List.of("gram", "cholesky", "solve", "predict")));
    }

    @Test
    void aRidgeShrinksTowardsZeroAndLeavesATrainingError() {
        Dataset ds = teacherData(200, 10, 3, 3);
        KrrRun.Outcome r = KrrRun.run(backend, Kernel.of(KernelType.NTK), 1.0, ds, new PhaseTimer());
        assertTrue(r.trainMse() > 1e-6, "train MSE " + r.trainMse());
    }

    @Test
    void constantTargetErrorFallsWithN() {
        double small = krrConstant(64), large = krrConstant(512);
        assertTrue(large < small / 20, "MSE " + small + " at n=64, " + large + " at n=512");  // beta ~ 2.5 at d = 5
    }

    private static double krrConstant(int n) {
        Dataset ds = Datasets.generate(new DataSpec(PointDistribution.SPHERE, 5, n, 2000, new Target.Constant(1), 0),
                backend);
        return KrrRun.run(backend, Kernel.of(KernelType.NTK), 0, ds, new PhaseTimer()).testMse();
    }

    @Test
    void invalidArgumentsAreRejected() {
        Dataset ds = teacherData(10, 5, 3, 4);
        Kernel ntk = Kernel.of(KernelType.NTK);
        assertThrows(IllegalArgumentException.class, () -> KernelRidge.fit(backend, ntk, -1, ds.xTrain(), ds.yTrain()));
        assertThrows(IllegalArgumentException.class,
                () -> KernelRidge.fit(backend, ntk, 0, ds.xTrain(), new double[3]));
        KrrModel m = KernelRidge.fit(backend, ntk, 0, ds.xTrain(), ds.yTrain());
        assertThrows(IllegalArgumentException.class, () -> m.predict(backend, Matrix.zeros(2, 4)));
    }

    @Test
    void duplicateTrainingPointsAreDetectedNotAnswered() {
        Dataset ds = teacherData(100, 5, 3, 5);
        double[] x = ds.xTrain().data();
        System.arraycopy(x, 0, x, 3 * 57, 3);
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                () -> KernelRidge.fit(backend, Kernel.of(KernelType.NTK), 0, ds.xTrain(), ds.yTrain()));
        assertEquals(58, e.pivot());
    }

    /** Gaussian elimination with partial pivoting, the textbook way. */
    static double[] gaussianElimination(Matrix a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = a0.row(i);
        }
        double[] b = b0.clone();
        for (int col = 0; col < n; col++) {
            int p = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[p][col])) {
                    p = r;
                }
            }
            double[] t = a[col];
            a[col] = a[p];
            a[p] = t;
            double tb = b[col];
            b[col] = b[p];
            b[p] = tb;
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c < n; c++) {
                    a[r][c] -= f * a[col][c];
                }
                b[r] -= f * b[col];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int c = r + 1; c < n; c++) {
                s -= a[r][c] * x[c];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}
