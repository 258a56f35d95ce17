package org.sparsefeat.cli;

/** A computed result is NaN or infinite: reported as a failure, never written as a number. */
public final class NonFiniteResultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NonFiniteResultException(String message) { super(message); }
}
