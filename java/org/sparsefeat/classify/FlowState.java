package org.sparsefeat.classify;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A gradient flow between two trials, all it needs to go on from there ({@link GradientFlow}): the current
 * parameters (the net's outputs, loss and gradient are recomputed from them, to the same bits on the same backend
 * and threads), the step size, the flow time, the counts, the next checkpoint of the dynamics and those so far, and
 * the seconds spent. What a flow's checkpoint file holds.
 */
public record FlowState(double[] params, double dt, double time, long accepted, long rejected, long nextCheck,
                        double bestTestError, List<GradientFlow.Checkpoint> dynamics, double seconds) {
    private static final int MAGIC = 0x53464631;  // "SFF1"

    public FlowState {
        dynamics = List.copyOf(dynamics);
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(params.length);
        for (double v : params) {
            out.writeDouble(v);
        }
        out.writeDouble(dt);
        out.writeDouble(time);
        out.writeLong(accepted);
        out.writeLong(rejected);
        out.writeLong(nextCheck);
        out.writeDouble(bestTestError);
        out.writeDouble(seconds);
        out.writeInt(dynamics.size());
        for (GradientFlow.Checkpoint c : dynamics) {
            out.writeDouble(c.time());
            out.writeLong(c.accepted());
            out.writeDouble(c.trainLoss());
            out.writeDouble(c.trainError());
            out.writeDouble(c.testError());
        }
    }

    /** @throws IOException when the stream does not hold a flow state of {@code params} parameters */
    public static FlowState read(DataInputStream in, int params) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a flow state");
        }
        int len = in.readInt();
        if (len != params) {
            throw new IOException(len + " parameters, not the net's " + params);
        }
        double[] p = new double[len];
        for (int q = 0; q < len; q++) {
            p[q] = in.readDouble();
        }
        double dt = in.readDouble(), time = in.readDouble();
        long accepted = in.readLong(), rejected = in.readLong(), nextCheck = in.readLong();
        double best = in.readDouble(), seconds = in.readDouble();
        int count = in.readInt();
        if (count < 0 || count > 1 << 20) {
            throw new IOException("not a flow state");
        }
        List<GradientFlow.Checkpoint> dyn = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            dyn.add(new GradientFlow.Checkpoint(in.readDouble(), in.readLong(), in.readDouble(), in.readDouble(),
                    in.readDouble()));
        }
        return new FlowState(p, dt, time, accepted, rejected, nextCheck, best, dyn, seconds);
    }
}
