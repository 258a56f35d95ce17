package org.sparsefeat.cli;

import picocli.CommandLine;

/** The version printed by --version and written into result files. */
public final class Version implements CommandLine.IVersionProvider {
    public static final String VERSION = "0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {"sparsefeat " + VERSION + " (Java " + Runtime.version() + ")"};
    }
}
