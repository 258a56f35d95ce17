package org.sparsefeat.perf;

/**
 * How much to measure: the sizes of each ladder and the repeats. {@code quick} fits in under 3 minutes on a
 * 2-core machine; {@code standard} is what to report for a machine; {@code full} adds larger sizes and the out of core
 * factorisation; {@code toy} is a check that the tool works.
 */
public enum Suite {
    QUICK(1, 3, 4096, 1 << 22, new int[] {2048, 4096, 8192}, new int[] {1024, 2048, 4096}, new int[] {4096, 6144, 8192},
            new int[] {1024, 2048, 4096}, new int[] {1000, 10_000, 100_000}, new int[] {512, 1024, 2048}, new int[0], 512, 100,
            1000),
    STANDARD(1, 5, 6144, 1 << 24, new int[] {4096, 8192, 16384}, new int[] {2048, 4096, 8192},
            new int[] {4096, 8192, 12288}, new int[] {2048, 4096, 8192}, new int[] {1000, 10_000, 100_000},
            new int[] {1024, 2048, 4096}, new int[0], 512, 100, 1000),
    FULL(1, 5, 8192, 1 << 25, new int[] {4096, 8192, 16384}, new int[] {2048, 4096, 8192},
            new int[] {4096, 8192, 16384}, new int[] {4096, 8192, 16384}, new int[] {1000, 10_000, 100_000},
            new int[] {1024, 2048, 4096}, new int[] {4096, 8192}, 512, 100, 1000),
    /**
     * Toy sizes, one repeat, seconds in all: checks that the tool and its peers work, measures nothing worth keeping;
     * also what bench runs on the CUDA emulator.
     */
    TOY(1, 1, 256, 1 << 16, new int[] {64, 128}, new int[] {32, 64}, new int[] {64, 128}, new int[] {64, 128},
            new int[] {100, 200}, new int[] {16, 32}, new int[0], 64, 2, 50);

    final int warmups;
    final int repeats;
    /** The GEMM ceiling's square size and the triad's array length. */
    final int gemmN;
    final int triadLength;
    final int[] gram;
    final int[] gramImages;
    final int[] cholesky;
    final int[] krr;
    final int[] gdWidths;
    final int[] flow;
    final int[] outOfCore;
    /** The GD step's training points and most steps per trial; the flow's neurons. */
    final int gdN;
    final int gdMaxSteps;
    final int flowH;

    Suite(int warmups, int repeats, int gemmN, int triadLength, int[] gram, int[] gramImages, int[] cholesky, int[] krr,
          int[] gdWidths, int[] flow, int[] outOfCore, int gdN, int gdMaxSteps, int flowH) {
        this.warmups = warmups;
        this.repeats = repeats;
        this.gemmN = gemmN;
        this.triadLength = triadLength;
        this.gram = gram;
        this.gramImages = gramImages;
        this.cholesky = cholesky;
        this.krr = krr;
        this.gdWidths = gdWidths;
        this.flow = flow;
        this.outOfCore = outOfCore;
        this.gdN = gdN;
        this.gdMaxSteps = gdMaxSteps;
        this.flowH = flowH;
    }
}
