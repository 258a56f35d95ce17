package org.sparsefeat.data;

import org.sparsefeat.kernel.Kernel;
import org.sparsefeat.kernel.TeacherField;
import org.sparsefeat.linalg.Matrix;

/**
 * What generating a target needs computed, and where it may run fast: the teacher field and a kernel's Gram
 * matrix. Every backend is one ({@code org.sparsefeat.backend.Backend} extends it), so {@link Datasets} stays below
 * the backends and does not depend on them.
 */
public interface TargetEvaluator {
    /** K(X, X), lower triangle only (the strict upper triangle is zero): what a Cholesky factorisation reads. */
    Matrix gramLower(Kernel kernel, Matrix x);

    /** The teacher field y(x) at every row of x, its H^{-1/2} included. */
    double[] teacher(Matrix x, TeacherField field);
}
