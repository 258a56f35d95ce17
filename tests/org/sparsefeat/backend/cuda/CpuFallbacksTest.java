package org.sparsefeat.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsefeat.backend.Backend;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.classify.ImageExperiment;
import org.sparsefeat.classify.GradientFlow;
import org.sparsefeat.curve.ResultStore;
import org.sparsefeat.curve.Shard;
import org.sparsefeat.curve.SpecParser;
import org.sparsefeat.curve.SweepRunner;
import org.sparsefeat.data.DataSpec;
import org.sparsefeat.data.Dataset;
import org.sparsefeat.data.Datasets;
import org.sparsefeat.data.Philox;
import org.sparsefeat.data.PointDistribution;
import org.sparsefeat.data.Points;
import org.sparsefeat.data.Target;
import org.sparsefeat.images.ImageSet;
import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.KernelType;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.GdRule;
import org.sparsefeat.net.NetBatch;
import org.sparsefeat.net.NetInit;
import org.sparsefeat.net.NetProblem;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;

/**
 * What the CUDA backend hands to the CPU it records, so that result files can say so; the CPU backend records nothing.
 * On the emulator (cuda/emu), which runs the CUDA backend's own routing.
 */
class CpuFallbacksTest {
    private static final TeacherField TEACHER = new TeacherField(7, TeacherActivation.ABS, 1, 600);

    private static CudaBackend emulated() {
        assumeTrue(Emulator.available(), Emulator::whyNot);
        return Emulator.backend(1, false);
    }

    private static Matrix points(int n, int d) {
        return Points.sample(PointDistribution.SPHERE, n, d, 3, Philox.STREAM_TRAIN_POINTS);
    }

    private static void trainTwoSteps(Backend backend, int d) {
        Matrix x = points(24, d);
        double[] y = new double[24];
        for (int i = 0; i < y.length; i++) {
            y[i] = x.get(i, 0);
        }
        TwoLayerNet init = new TwoLayerNet(NetInit.w1(NetInit.W1.NORMAL, 32, d, 1), null,
                NetInit.w2(NetInit.W2.parse("normal"), 32, 1), Scale.MEAN_FIELD);
        try (NetBatch b = backend.openNets(List.of(new NetProblem(x, y, init, GdRule.featureL1(0.1, 1e-3))))) {
            b.advance(new long[] {2}, new double[] {Double.NEGATIVE_INFINITY});
        }
    }

    @Test
    void theTeacherAboveSixteenDimensionsAndNetsOfOtherDimensionsAreRecorded() {
        try (CudaBackend cuda = emulated(); CpuBackend cpu = new CpuBackend(1)) {
            cuda.teacher(points(10, 5), TEACHER);
            trainTwoSteps(cuda, 5);
            assertEquals(List.of(), cuda.cpuFallbacks(), "d = 5 runs in the GPU kernels");

            double[] y20 = cuda.teacher(points(10, 20), TEACHER);
            assertArrayEquals(cpu.teacher(points(10, 20), TEACHER), y20, "the CPU's teacher, bit for bit");
            long mark = cuda.fallbackMark();
            trainTwoSteps(cuda, 7);
            List<String> nets = cuda.cpuFallbacksSince(mark);
            assertEquals(1, nets.size(), nets.toString());
            assertTrue(nets.getFirst().startsWith("nets: d = 7 "), nets.getFirst());
            assertTrue(nets.getFirst().contains("[2, 3, 4, 5, 6, 8, 10, 16]"), nets.getFirst());

            cuda.teacher(points(10, 20), TEACHER);   // again: listed once
            assertEquals(List.of("teacher: d = 20 > 16", nets.getFirst()), cuda.cpuFallbacks());
            assertEquals(List.of("teacher: d = 20 > 16"), cuda.cpuFallbacksSince(cuda.fallbackMark() - 1));
            assertEquals(List.of(), cuda.cpuFallbacksSince(cuda.fallbackMark()));
        }
    }

    /**
     * Linear algebra on host matrices is no backend's (linalg.HostLinalg): the grf target's Cholesky and L z run
     * there on every backend and are not fallbacks; its Gram is the backend's.
     */
    @Test
    void theGrfTargetsHostLinearAlgebraIsNoFallback() {
        DataSpec spec = new DataSpec(PointDistribution.SPHERE, 3, 30, 20,
                new Target.KernelGrf(Kernel.of(KernelType.LAPLACE), 1e-10), 5);
        try (CudaBackend cuda = emulated(); CpuBackend cpu = new CpuBackend(1)) {
            Dataset onCuda = Datasets.generate(spec, cuda);
            Dataset onCpu = Datasets.generate(spec, cpu);
            assertEquals(List.of(), cuda.cpuFallbacks());
            for (int i = 0; i < onCpu.yTrain().length; i++) {
                assertEquals(onCpu.yTrain()[i], onCuda.yTrain()[i], 1e-9 * (1 + Math.abs(onCpu.yTrain()[i])), "y " + i);
            }
        }
    }

    @Test
    void theCpuBackendRecordsNone() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            cpu.teacher(points(10, 20), TEACHER);
            trainTwoSteps(cpu, 7);
            cpu.netOutputs(new TwoLayerNet(NetInit.w1(NetInit.W1.NORMAL, 8, 7, 1), null,
                    NetInit.w2(NetInit.W2.parse("normal"), 8, 1), Scale.MEAN_FIELD), points(5, 7));
            assertEquals(List.of(), cpu.cpuFallbacks());
            assertEquals(List.of(), cpu.cpuFallbacksSince(0));
        }
    }

    /** Two classes of 8 x 8 "images": even labels brighter on the left half, odd on the right. */
    private static ImageSet images(int count) {
        Matrix px = Points.sample(PointDistribution.GAUSSIAN, count, 64, 5, Philox.STREAM_TRAIN_POINTS);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 4;
            for (int k = 0; k < 64; k++) {
                px.set(i, k, px.get(i, k) * 0.3 + ((k % 8 < 4) == (labels[i] % 2 == 0) ? 1 : 0));
            }
        }
        return new ImageSet("toy", px, labels, 1, 8, 8);
    }

    @Test
    void theImageNetWithoutCublasSaysItRanOnTheCpu() {
        ImageExperiment.Method net = new ImageExperiment.Method.Net(20, 5, GradientFlow.Options.reference(1, 60, 20));
        ImageSet set = images(80);
        try (CudaBackend cuda = emulated(); CpuBackend cpu = new CpuBackend(1)) {
            ImageExperiment.Outcome onCuda = ImageExperiment.run(cuda, set, net, 40, 30, 1, 2, 3, null);
            ImageExperiment.Outcome onCpu = ImageExperiment.run(cpu, set, net, 40, 30, 1, 2, 3, null);
            assertEquals(1, cuda.cpuFallbacks().size(), cuda.cpuFallbacks().toString());
            assertTrue(cuda.cpuFallbacks().getFirst().startsWith("image net: no cuBLAS ("), cuda.cpuFallbacks().getFirst());
            assertEquals(List.of(), cpu.cpuFallbacks());
            assertEquals(20, onCuda.flow().accepted());
            assertArrayEquals(onCpu.flow().testF(), onCuda.flow().testF(), "the same CPU code on both");
        }
    }

    @TempDir
    Path dir;

    private static List<String> strings(JsonNode array) {
        assertTrue(array != null && array.isArray(), "cpu_fallbacks is a list: " + array);
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    /** Each sweep record lists what of its point's work ran on the CPU: its dataset's teacher included. */
    @Test
    void sweepRecordsSayWhatOfTheirPointRanOnTheCpu() throws java.io.IOException {
        String yaml = """
                name: fallbacks
                methods:
                  - {kind: krr, kernel: ntk, ridge: 0}
                  - {kind: net, regime: feature, h: 20, lambda: 1.0e-4, max_steps: 4, save_freq: 2}
                d: [20, 5]
                n: [8, 12]
                seeds: [0]
                n_test: 10
                target: {kind: teacher, act: abs, power: 1, width: 300}
                """;
        Path onCuda = dir.resolve("cuda"), onCpu = dir.resolve("cpu");
        for (Path p : List.of(onCuda, onCpu)) {
            java.nio.file.Files.createDirectories(p);
            java.nio.file.Files.writeString(p.resolve(ResultStore.SPEC), yaml);
        }
        Map<String, JsonNode> records;
        try (CudaBackend cuda = emulated()) {
            new SweepRunner(SpecParser.parse(yaml, "fallbacks.yaml"), new ResultStore(onCuda), cuda, line -> { })
                    .run(Shard.ALL);
            records = new ResultStore(onCuda).load();
        }
        List<String> merged = new org.sparsefeat.report.SweepReport(List.of(onCuda)).cpuFallbacks();
        assertEquals("teacher: d = 20 > 16", merged.getFirst(), merged.toString());
        assertTrue(merged.stream().anyMatch(s -> s.startsWith("nets: d = 20 ")), merged.toString());
        assertEquals(8, records.size(), records.keySet().toString());
        for (JsonNode r : records.values()) {
            List<String> f = strings(r.get("cpu_fallbacks"));
            boolean d20 = r.get("d").asInt() == 20, net = r.get("kind").asText().equals("net");
            String what = r.get("key").asText() + ": " + f;
            assertEquals(d20, f.contains("teacher: d = 20 > 16"), what);
            assertEquals(d20 && net, f.stream().anyMatch(s -> s.startsWith("nets: d = 20 ")), what);
            assertTrue(f.stream().noneMatch(s -> s.startsWith("nets: d = 5")), what);
            if (!net) {
                assertEquals(d20 ? List.of("teacher: d = 20 > 16") : List.of(), f, what);
            }
        }
        try (CpuBackend cpu = new CpuBackend(1)) {
            new SweepRunner(SpecParser.parse(yaml, "fallbacks.yaml"), new ResultStore(onCpu), cpu, line -> { })
                    .run(Shard.ALL);
            for (JsonNode r : new ResultStore(onCpu).load().values()) {
                assertEquals(List.of(), strings(r.get("cpu_fallbacks")), r.get("key").asText());
            }
            assertEquals(List.of(), new org.sparsefeat.report.SweepReport(List.of(onCpu)).cpuFallbacks());
        }
    }
}
