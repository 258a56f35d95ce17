package org.sparsefeat.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.sparsefeat.net.TwoLayerNet;

/** Snapshots kept in memory, through the file format; saves after every backend call and asks to stop at one. */
public final class MemorySnapshots implements Snapshots {
    private final List<TwoLayerNet> inits;
    private final int stopAt;
    private byte[] saved;
    private BatchState loaded;
    private int calls;

    /** Stops at the {@code stopAt}-th backend call (1 = the first). */
    public MemorySnapshots(List<Trainer.Job> jobs, int stopAt) {
        this.inits = jobs.stream().map(Trainer.Job::init).toList();
        this.stopAt = stopAt;
    }

    /** Whether a state was saved. */
    public boolean saved() { return saved != null; }

    /** The state the last resume started from. */
    public BatchState loaded() { return loaded; }

    @Override
    public BatchState load() {
        if (saved == null) {
            return null;
        }
        try {
            loaded = BatchState.read(new DataInputStream(new ByteArrayInputStream(saved)),
                    inits.stream().map(TwoLayerNet::scale).toList());
            return loaded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean due() { return true; }

    @Override
    public void save(BatchState state) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            state.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        saved = b.toByteArray();
    }

    @Override
    public boolean stopRequested() { return ++calls == stopAt; }
}
