package org.sparsefeat.linalg;

import java.util.function.UnaryOperator;
import org.sparsefeat.util.NamesParameters;

/**
 * A Cholesky factorisation met a pivot that is not (numerically) positive. Says which pivot failed and what
 * to do about it.
 */
public final class NotPositiveDefiniteException extends RuntimeException implements NamesParameters {
    private static final long serialVersionUID = 1L;
    private static final String RIDGE_ADVICE = "Add a ridge (e.g. {ridge} 1e-10) and keep float64.";

    private final int pivot;
    private final int order;
    private final String detail;
    private final String template;

    /**
     * @param pivot  1-based index of the failing pivot
     * @param order  size of the matrix
     * @param detail what was wrong with the pivot
     */
    public NotPositiveDefiniteException(int pivot, int order, String detail) {
        this(pivot, order, detail, "the kernel matrix", RIDGE_ADVICE);
    }

    private NotPositiveDefiniteException(int pivot, int order, String detail, String what, String advice) {
        this(pivot, order, detail, "Cholesky factorisation of " + what + " failed at pivot " + pivot + " of " + order
                + " (" + detail + "): the matrix is singular or not positive definite, e.g. because of duplicate points. "
                + advice);
    }

    private NotPositiveDefiniteException(int pivot, int order, String detail, String template) {
        super(NamesParameters.render(template, UnaryOperator.identity()));
        this.template = template;
        this.pivot = pivot;
        this.order = order;
        this.detail = detail;
    }

    /** The same failure, described for another matrix and with other advice (parameters written {@code {name}}). */
    public NotPositiveDefiniteException about(String what, String advice) {
        return new NotPositiveDefiniteException(pivot, order, detail, what, advice);
    }

    @Override
    public String template() { return template; }

    public int pivot() { return pivot; }

    public int order() { return order; }
}
