package org.sparsefeat.util;

/**
 * An accelerator ran out of memory: the user's to fix (a smaller problem, another backend), not a bug, so the CLI
 * reports it in one line with exit code 1, as it does Java's own {@link OutOfMemoryError}.
 */
public class OutOfDeviceMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutOfDeviceMemoryException(String message, Throwable cause) { super(message, cause); }
}
