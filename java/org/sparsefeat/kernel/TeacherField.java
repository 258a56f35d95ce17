package org.sparsefeat.kernel;

import org.sparsefeat.util.InvalidInputException;

/**
 * The teacher Gaussian random field y(x) = H^{-1/2} sum_{j < H} s_j act(theta_j . x)^a of the paper (docs/method.md,
 * 'Targets'), theta_j uniform on the sphere, s_j = +-1, neuron j drawn from Philox stream STREAM_TEACHER under {@code seed}. Its
 * formula is native/include/sf_teacher.h; backends evaluate it in neuron blocks, never storing H x d weights.
 *
 * @param seed       teacher seed
 * @param activation abs or relu
 * @param power      the exponent a > 0; the field's smoothness is nu_t = a + 1/2
 * @param width      H, the number of teacher neurons (the paper: 1e7)
 */
public record TeacherField(long seed, TeacherActivation activation, double power, long width) {
    public TeacherField {
        if (activation == null) {
            throw new IllegalArgumentException("teacher activation is required (abs or relu)");
        }
        if (!(power > 0) || Double.isInfinite(power)) {
            throw new InvalidInputException("{teacher_power} must be a finite number > 0, got " + power);
        }
        if (width < 1) {
            throw new InvalidInputException("{teacher_width} must be >= 1, got " + width);
        }
    }
}
