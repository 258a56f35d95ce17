package org.sparsefeat.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.net.Scale;
import org.sparsefeat.net.TwoLayerNet;

/**
 * A batch of nets in the middle of training: what {@link Trainer} needs to go on as if it had never stopped.
 * Written in a small binary format (doubles as their 8 bytes, so every bit comes back; NaN included).
 *
 * @param seconds training time before the save (the dynamics' clock goes on from there)
 * @param nets    the nets, in the batch's order
 */
public record BatchState(double seconds, List<Net> nets) {
    private static final int MAGIC = 0x53464231;  // "SFB1"

    public BatchState {
        nets = List.copyOf(nets);
    }

    /**
     * One net: where the backend's batch was and the trainer's bookkeeping.
     *
     * @param step       steps made
     * @param loss       the training half MSE at the current weights, as the backend reported it
     * @param weights    the current weights (NaN after a divergence)
     * @param status     the stopping status, or null while the net trains
     * @param nextLevel  the next loss level that triggers a checkpoint
     * @param lastNet    the weights at the last checkpoint (the last finite ones), with their test outputs
     */
    public record Net(long step, double loss, TwoLayerNet weights, Trainer.Status status, double nextLevel,
                      TwoLayerNet lastNet, double[] lastTestF, double lastTrain, double lastTest, double lastReg,
                      List<Trainer.Checkpoint> dynamics) {
        public Net {
            dynamics = List.copyOf(dynamics);
        }
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeDouble(seconds);
        out.writeInt(nets.size());
        for (Net n : nets) {
            out.writeLong(n.step());
            out.writeDouble(n.loss());
            writeNet(out, n.weights());
            out.writeInt(n.status() == null ? -1 : n.status().ordinal());
            out.writeDouble(n.nextLevel());
            writeNet(out, n.lastNet());
            writeArray(out, n.lastTestF());
            out.writeDouble(n.lastTrain());
            out.writeDouble(n.lastTest());
            out.writeDouble(n.lastReg());
            out.writeInt(n.dynamics().size());
            for (Trainer.Checkpoint c : n.dynamics()) {
                out.writeLong(c.step());
                out.writeDouble(c.seconds());
                out.writeDouble(c.trainHalfMse());
                out.writeDouble(c.testHalfMse());
                out.writeDouble(c.regularizer());
                out.writeLong(c.atoms() == null ? Long.MIN_VALUE : c.atoms());
                out.writeLong(c.atomsThresholded() == null ? Long.MIN_VALUE : c.atomsThresholded());
            }
        }
    }

    /** Reads what {@link #write} wrote; the nets get the given output scales (they are not saved). */
    public static BatchState read(DataInputStream in, List<Scale> scales) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a sparsefeat batch checkpoint");
        }
        double seconds = in.readDouble();
        int size = in.readInt();
        if (size != scales.size()) {
            throw new IOException("the checkpoint holds " + size + " nets, the batch has " + scales.size());
        }
        List<Net> nets = new ArrayList<>();
        for (int b = 0; b < size; b++) {
            long step = in.readLong();
            double loss = in.readDouble();
            TwoLayerNet weights = readNet(in, scales.get(b));
            int status = in.readInt();
            double nextLevel = in.readDouble();
            TwoLayerNet lastNet = readNet(in, scales.get(b));
            double[] lastTestF = readArray(in);
            double lastTrain = in.readDouble(), lastTest = in.readDouble(), lastReg = in.readDouble();
            int count = in.readInt();
            List<Trainer.Checkpoint> dynamics = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long s = in.readLong();
                double sec = in.readDouble(), train = in.readDouble(), test = in.readDouble(), reg = in.readDouble();
                long atoms = in.readLong(), strong = in.readLong();
                dynamics.add(new Trainer.Checkpoint(s, sec, train, test, reg,
                        atoms == Long.MIN_VALUE ? null : (int) atoms, strong == Long.MIN_VALUE ? null : (int) strong));
            }
            nets.add(new Net(step, loss, weights, status < 0 ? null : Trainer.Status.values()[status], nextLevel, lastNet,
                    lastTestF, lastTrain, lastTest, lastReg, dynamics));
        }
        return new BatchState(seconds, nets);
    }

    private static void writeNet(DataOutputStream out, TwoLayerNet w) throws IOException {
        out.writeInt(w.h());
        out.writeInt(w.d());
        writeArray(out, w.w1().data());
        writeArray(out, w.b());
        writeArray(out, w.w2());
    }

    private static TwoLayerNet readNet(DataInputStream in, Scale scale) throws IOException {
        int h = in.readInt(), d = in.readInt();
        double[] w1 = readArray(in), b = readArray(in), w2 = readArray(in);
        if (w1 == null || w2 == null || w1.length != (long) h * d) {
            throw new IOException("a net's weights in the checkpoint are cut short");
        }
        return new TwoLayerNet(new Matrix(h, d, w1), b, w2, scale);
    }

    private static void writeArray(DataOutputStream out, double[] a) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 * a.length);
            buf.asDoubleBuffer().put(a);
            out.write(buf.array());
        }
    }

    private static double[] readArray(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0) {
            return null;
        }
        byte[] bytes = new byte[8 * len];
        in.readFully(bytes);
        double[] a = new double[len];
        java.nio.ByteBuffer.wrap(bytes).asDoubleBuffer().get(a);
        return a;
    }
}
