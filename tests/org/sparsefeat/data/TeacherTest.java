package org.sparsefeat.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparsefeat.backend.cpu.CpuBackend;
import org.sparsefeat.kernel.TeacherActivation;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.linalg.Matrix;

class TeacherTest {
    /**
     * E over teachers of y(x)^2 = E|u_1|^{2a} = Gamma(d/2) Gamma(a + 1/2) / (sqrt(pi) Gamma(a + d/2)) for any
     * width (the signs s_j kill the cross terms): 0.2, 0.030303, 0.015385 at d = 5 (docs/method.md, 'Reference
     * values'). Checked over 10^4 teachers (seeds) at a fixed point, within 4 Monte-Carlo standard errors.
     */
    @ParameterizedTest
    @CsvSource({"1, 0.2", "4, 0.030303030303", "6, 0.015384615385"})
    void varianceOverTeachersIsTheMomentOfU1(double a, double expected) {
        int teachers = 10_000;
        Matrix x = Points.sample(PointDistribution.SPHERE, 1, 5, 0, Philox.STREAM_TEST_POINTS);
        double sum = 0, sumSq = 0;
        try (CpuBackend backend = new CpuBackend(2)) {
            for (int s = 0; s < teachers; s++) {
                double y = backend.teacher(x, new TeacherField(s, TeacherActivation.ABS, a, 16))[0];
                sum += y * y;
                sumSq += y * y * y * y;
            }
        }
        double mean = sum / teachers;
        double se = Math.sqrt((sumSq / teachers - mean * mean) / teachers);
        assertEquals(expected, mean, 4 * se, "mean of y^2 = " + mean + " +- " + se);
        assertEquals(expected, momentOfU1(5, a), 1e-11);
    }

    /** Gamma(d/2) Gamma(a + 1/2) / (sqrt(pi) Gamma(a + d/2)), by the recursion Gamma(z + 1) = z Gamma(z). */
    private static double momentOfU1(int d, double a) {
        // for integer a: prod_{k=0}^{a-1} (k + 1/2) / (k + d/2)
        double m = 1;
        for (int k = 0; k < (int) a; k++) {
            m *= (k + 0.5) / (k + d / 2.0);
        }
        return m;
    }
}
