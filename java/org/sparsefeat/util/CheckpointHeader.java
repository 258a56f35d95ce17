package org.sparsefeat.util;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The start of a checkpoint file: a magic number saying what kind of state follows, then the identity of the work it
 * belongs to (as text), so that work resumes only from its own file. Batches of nets (curve.BatchCheckpoints) and
 * image flows (classify.FlowCheckpointFile) write it.
 */
public final class CheckpointHeader {
    /** The longest identity read back: anything longer is not a checkpoint. */
    private static final int MAX_IDENTITY = 1 << 24;

    private CheckpointHeader() {}

    public static void write(DataOutputStream out, int magic, String identity) throws IOException {
        out.writeInt(magic);
        byte[] id = identity.getBytes(StandardCharsets.UTF_8);
        out.writeInt(id.length);
        out.write(id);
    }

    /**
     * The identity of a file that starts with {@code magic}.
     *
     * @throws IOException "not a WHAT" when the file does not start with a header of that kind
     */
    public static String read(DataInputStream in, int magic, String what) throws IOException {
        if (in.readInt() != magic) {
            throw new IOException("not a " + what);
        }
        int len = in.readInt();
        if (len < 0 || len > MAX_IDENTITY) {
            throw new IOException("not a " + what);
        }
        byte[] id = new byte[len];
        in.readFully(id);
        return new String(id, StandardCharsets.UTF_8);
    }
}
