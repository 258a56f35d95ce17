package org.sparsefeat.bench;

import java.util.Locale;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.backend.cuda.CudaBackend;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.krr.KernelRidge;
import org.sparsefeat.linalg.Matrix;

/**
 * The device check's Java part (benchmarks/gpu/check.sh): parity of the CUDA backend with the CPU backend and
 * the first timings, printed as a table. Usage: GpuCheck [n for KRR, default 16384].
 */
public final class GpuCheck {
    private GpuCheck() {}

    public static void main(String[] args) {
        int nKrr = args.length > 0 ? Integer.parseInt(args[0]) : 16384;
        System.out.println("java " + Runtime.version() + "; CUDA usable: " + CudaBackend.available()
                + (CudaBackend.available() ? "" : " (" + CudaBackend.whyNot() + ")"));
        if (!CudaBackend.available()) {
            System.exit(1);
        }
        try (CpuBackend cpu = new CpuBackend(Runtime.getRuntime().availableProcessors()); CudaBackend gpu = new CudaBackend(
                Runtime.getRuntime().availableProcessors())) {
            System.out.println("device: " + gpu.device());
            System.out.println("| check | value | verdict |");
            System.out.println("|---|---|---|");
            Matrix x = Points.sample(PointDistribution.SPHERE, 1500, 5, 1, Philox.STREAM_TRAIN_POINTS);
            Matrix y = Points.sample(PointDistribution.GAUSSIAN, 900, 5, 2, Philox.STREAM_TEST_POINTS);
            for (KernelType k : KernelType.values()) {
                double diff = rel(gpu.gram(Kernel.of(k), x, y).data(), cpu.gram(Kernel.of(k), x, y).data());
                double diffL = rel(gpu.gramLower(Kernel.of(k), x).data(), cpu.gramLower(Kernel.of(k), x).data());
                row("Gram parity " + k + " (rect / lower)", String.format(Locale.ROOT, "%.1e / %.1e", diff, diffL),
                        diff < 1e-10 && diffL < 1e-10);
            }
            TeacherField f = new TeacherField(3, TeacherActivation.ABS, 1, 1_000_000);
            double dt = rel(gpu.teacher(x, f), cpu.teacher(x, f));
            row("teacher parity (H = 1e6)", String.format(Locale.ROOT, "%.1e", dt), dt < 1e-10);
            Matrix big = Points.sample(PointDistribution.SPHERE, nKrr, 5, 3, Philox.STREAM_TRAIN_POINTS);
            long t0 = System.nanoTime();
            gpu.gramLower(Kernel.of(KernelType.NTK), big);
            double gs = (System.nanoTime() - t0) * 1e-9;
            t0 = System.nanoTime();
            cpu.gramLower(Kernel.of(KernelType.NTK), big);
            double cs = (System.nanoTime() - t0) * 1e-9;
            row("NTK Gram n = " + nKrr + ", GPU / CPU seconds (incl. transfer)", String.format(Locale.ROOT, "%.3f / %.3f",
                    gs, cs), true);
            double[] yb = new double[nKrr];
            for (int i = 0; i < nKrr; i++) {
                yb[i] = Math.abs(big.get(i, 0));
            }
            Matrix test = Points.sample(PointDistribution.SPHERE, 2000, 5, 3, Philox.STREAM_TEST_POINTS);
            t0 = System.nanoTime();
            double[] pg = KernelRidge.fit(gpu, Kernel.of(KernelType.NTK), 0, big, yb).predict(gpu, test);
            double kg = (System.nanoTime() - t0) * 1e-9;
            t0 = System.nanoTime();
            double[] pc = KernelRidge.fit(cpu, Kernel.of(KernelType.NTK), 0, big, yb).predict(cpu, test);
            double kc = (System.nanoTime() - t0) * 1e-9;
            double dp = rel(pg, pc);
            row("KRR n = " + nKrr + " predictions GPU vs CPU", String.format(Locale.ROOT, "%.1e", dp), dp < 1e-8);
            row("KRR n = " + nKrr + " end to end, GPU-backend / CPU seconds", String.format(Locale.ROOT, "%.2f / %.2f", kg, kc),
                    true);
            gradientDescent(cpu, gpu);
            cholesky(cpu, gpu);
        }
    }

    /** 100 GD steps of the feature rule on both backends (the GPU's only with SPARSEFEAT_CUDA_GD=1), then speed. */
    private static void gradientDescent(CpuBackend cpu, CudaBackend gpu) {
        int n = 1024, d = 5, h = 10_000;
        Matrix x = Points.sample(PointDistribution.SPHERE, n, d, 4, Philox.STREAM_TRAIN_POINTS);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.abs(x.get(i, 0));
        }
        var init = new org.sparsefeat.net.TwoLayerNet(org.sparsefeat.net.NetInit.w1(org.sparsefeat.net.NetInit.W1.UNITARY,
                h, d, 4), null, org.sparsefeat.net.NetInit.w2(org.sparsefeat.net.NetInit.W2.parse("1e-3"), h, 4),
                org.sparsefeat.net.Scale.MEAN_FIELD);
        var problem = java.util.List.of(new org.sparsefeat.net.NetProblem(x, y, init,
                org.sparsefeat.net.GdRule.featureL1(1, 1e-4)));
        try (var a = cpu.openNets(problem); var b = gpu.openNets(problem)) {
            long[] steps = {100};
            double[] never = {Double.NEGATIVE_INFINITY};
            long t0 = System.nanoTime();
            a.advance(steps, never);
            double cs = (System.nanoTime() - t0) * 1e-9;
            t0 = System.nanoTime();
            b.advance(steps, never);
            double gs = (System.nanoTime() - t0) * 1e-9;
            double dw = rel(b.weights(0).w2(), a.weights(0).w2());
            row("GD 100 steps h=1e4 n=1024 d=5, w2 GPU vs CPU", String.format(Locale.ROOT, "%.1e", dw), dw < 1e-9);
            row("GD steps per second, GPU-backend / CPU", String.format(Locale.ROOT, "%.0f / %.0f", 100 / gs, 100 / cs), true);
        }
    }

    /** The GPU's blocked Cholesky (with SPARSEFEAT_CUDA_CHOLESKY=1) against OpenBLAS, and its rate. */
    private static void cholesky(CpuBackend cpu, CudaBackend gpu) {
        for (int n : new int[] {2048, 8192, 16384}) {
            Matrix x = Points.sample(PointDistribution.SPHERE, n, 5, 5, Philox.STREAM_TRAIN_POINTS);
            Matrix k = cpu.gramLower(Kernel.of(KernelType.NTK), x);
            Matrix a = k.copy(), b = k.copy();
            long t0 = System.nanoTime();
            gpu.cholesky(a, 1e-8);
            double gs = (System.nanoTime() - t0) * 1e-9;
            t0 = System.nanoTime();
            cpu.cholesky(b, 1e-8);
            double cs = (System.nanoTime() - t0) * 1e-9;
            double diff = rel(a.data(), b.data());
            double tflops = Math.pow(n, 3) / 3 / gs / 1e12;
            row("Cholesky n = " + n + ": factor GPU vs CPU; GPU s (TFLOP/s, transfers included) / CPU s",
                    String.format(Locale.ROOT, "%.1e; %.3f (%.2f) / %.3f", diff, gs, tflops, cs), diff < 1e-10);
        }
    }

    private static void row(String what, String value, boolean ok) {
        System.out.println("| " + what + " | " + value + " | " + (ok ? "ok" : "FAIL") + " |");
    }

    private static double rel(double[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }
}
