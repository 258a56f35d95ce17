package org.sparsefeat.distributed;

import org.sparsefeat.util.InvalidInputException;

/**
 * A distributed run was asked for (or started by a launcher) on a machine without MPI or ScaLAPACK: the user installs
 * them or names them, so it is reported as a usage error, in one line.
 */
public final class UnavailableException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) {
        super(message);
    }
}
