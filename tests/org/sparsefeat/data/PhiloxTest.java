package org.sparsefeat.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsefeat.backend.cpu.NativeKernels;

class PhiloxTest {
    /** Random123's known-answer vectors for Philox4x32-10 (its tests/kat_vectors). */
    @Test
    void knownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                Philox.block(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                Philox.block(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    /** The registry of streams: every STREAM_ constant of Philox a distinct id; the teacher's the one C and CUDA draw. */
    @Test
    void streamIdsAreDistinctAndTheTeachersMatchesTheNativeOne() throws IllegalAccessException {
        java.util.Map<Integer, String> seen = new java.util.TreeMap<>();
        for (java.lang.reflect.Field f : Philox.class.getFields()) {
            if (f.getName().startsWith("STREAM_")) {
                String before = seen.put(f.getInt(null), f.getName());
                assertTrue(before == null, f.getName() + " and " + before + " share stream " + f.getInt(null));
            }
        }
        assertEquals(12, seen.size(), "streams: " + seen);
        assertEquals(org.sparsefeat.backend.cpu.NativeLayout.value("SF_STREAM_TEACHER"), Philox.STREAM_TEACHER);
    }

    /** The C header that the CPU and GPU teachers use gives the same words as the Java generator. */
    @Test
    void nativeAndJavaGeneratorsAgree() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            int[] c = {r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt()};
            assertArrayEquals(Philox.block(c[0], c[1], c[2], c[3], c[4], c[5]),
                    NativeKernels.philoxWords(c[0], c[1], c[2], c[3], c[4], c[5]));
        }
    }

    @Test
    void teacherNeuronsAgreeBetweenJavaAndNative() {
        for (int d : new int[] {2, 3, 5, 10}) {
            for (long j : new long[] {0, 1, 4095, 4096, 9_999_999L, 1L << 33}) {
                double[] java = TeacherReference.neuron(77, d, j);
                double[] c = NativeKernels.teacherNeuron(77, d, j);
                for (int k = 0; k <= d; k++) {
                    assertEquals(java[k], c[k], 1e-15, "d=" + d + " j=" + j + " k=" + k);
                }
            }
        }
    }

    @Test
    void normalsHaveUnitVarianceAndUniformsFillTheOpenInterval() {
        int n = 200_000;
        double[] g = new double[2];
        double sum = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            Philox.normalPair(5, 9, i, 0, g, 0);
            sum += g[0] + g[1];
            sq += g[0] * g[0] + g[1] * g[1];
        }
        double mean = sum / (2 * n), var = sq / (2 * n) - mean * mean;
        assertEquals(0, mean, 4 / Math.sqrt(2 * n));
        assertEquals(1, var, 4 * Math.sqrt(2.0 / (2 * n)));
        assertTrue(Philox.uniformOpen(0, 0) > 0 && Philox.uniformOpen(-1, -1) < 1);
    }
}
