package org.sparsefeat.distributed;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import org.sparsefeat.ffm.Native;

/**
 * Small messages between the ranks of an MPI job, point to point over MPI_COMM_WORLD: what a sweep's ranks need to
 * deal points and hand records back. BLACS's point-to-point calls cannot receive from whichever rank sends first,
 * which a dealer that answers the rank that finished must, hence MPI itself here. A message is a header (sender,
 * type, body length) and a body of bytes, sent in that order (MPI keeps the order of two messages between two ranks).
 *
 * <p>Receiving polls (MPI_Iprobe) and sleeps between polls: Open MPI's blocking MPI_Recv spins its core, which on a
 * rank that waits most of the time would take a core from the ranks that compute.
 *
 * <p>The communicator and datatype handles are where Open MPI and MPICH differ for these calls (a pointer to a global
 * in one, an int constant in the other; MPI_ANY_SOURCE too): Open MPI is recognised by its global
 * {@code ompi_mpi_comm_world}, anything else is taken for MPICH's ABI (MPICH, Intel MPI, Cray MPICH, MVAPICH).
 * Only the thread that started MPI calls it (MPI_THREAD_FUNNELED, as {@link Cluster#start} asks).
 */
public final class Messages implements Dealer.Mailbox, AutoCloseable {
    /** How long a waiting rank sleeps between two polls: far below any point's time, far above a poll's. */
    static final long POLL_MILLIS = 5;

    private static final int TAG_HEADER = 7001, TAG_BODY = 7002;
    private static final int HEADER_BYTES = 12;
    private static final ValueLayout INT = ValueLayout.JAVA_INT;
    private static final ValueLayout ADDR = ValueLayout.ADDRESS;
    /** Larger than MPI_Status in both ABIs (24 bytes in Open MPI, 20 in MPICH): its fields are never read. */
    private static final long STATUS_BYTES = 64;

    private final ScaLapack lib;
    private final Object comm, byteType;
    private final int anySource;
    private final MethodHandle send, recv, iprobe, abort;
    private final int rank, size;
    private boolean closed;

    private Messages(ScaLapack lib) {
        this.lib = lib;
        SymbolLookup mpi = lib.mpi;
        MemoryLayout handle;
        if (mpi.find("ompi_mpi_comm_world").isPresent()) {
            handle = ADDR;
            comm = mpi.find("ompi_mpi_comm_world").get();
            byteType = ScaLapack.find(mpi, "ompi_mpi_byte");
            anySource = -1;
        } else {
            handle = INT;
            comm = 0x44000000;       // MPICH's MPI_COMM_WORLD
            byteType = 0x4c00010d;   // MPICH's MPI_BYTE
            anySource = -2;
        }
        Linker l = Linker.nativeLinker();
        send = l.downcallHandle(ScaLapack.find(mpi, "MPI_Send"), FunctionDescriptor.of(INT, ADDR, INT, handle, INT, INT,
                handle));
        recv = l.downcallHandle(ScaLapack.find(mpi, "MPI_Recv"), FunctionDescriptor.of(INT, ADDR, INT, handle, INT, INT,
                handle, ADDR));
        iprobe = l.downcallHandle(ScaLapack.find(mpi, "MPI_Iprobe"), FunctionDescriptor.of(INT, INT, INT, handle, ADDR,
                ADDR));
        abort = l.downcallHandle(ScaLapack.find(mpi, "MPI_Abort"), FunctionDescriptor.of(INT, handle, INT));
        MethodHandle commRank = l.downcallHandle(ScaLapack.find(mpi, "MPI_Comm_rank"), FunctionDescriptor.of(INT, handle,
                ADDR));
        MethodHandle commSize = l.downcallHandle(ScaLapack.find(mpi, "MPI_Comm_size"), FunctionDescriptor.of(INT, handle,
                ADDR));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(INT), n = a.allocate(INT);
            check("MPI_Comm_rank", Native.call(() -> (int) commRank.invokeWithArguments(comm, r)));
            check("MPI_Comm_size", Native.call(() -> (int) commSize.invokeWithArguments(comm, n)));
            rank = r.get(ValueLayout.JAVA_INT, 0);
            size = n.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Starts MPI (a one-line error without the libraries) and says which rank this is. */
    public static Messages start() {
        Cluster.start();
        return new Messages(ScaLapack.get());
    }

    @Override
    public int rank() { return rank; }

    @Override
    public int size() { return size; }

    /** Sends a message; returns once its buffer may be reused (small ones at once, larger once the receiver takes it). */
    @Override
    public void send(int to, int type, byte[] body) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(rank).putInt(type)
                .putInt(body.length);
        sendBytes(to, TAG_HEADER, h.array());
        sendBytes(to, TAG_BODY, body);
    }

    private void sendBytes(int to, int tag, byte[] bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, bytes.length);
            check("MPI_Send", Native.call(() -> (int) send.invokeWithArguments(buf, bytes.length, byteType, to, tag,
                    comm)));
        }
    }

    /**
     * The next message from rank {@code from} (-1: from any rank), or null when none came {@code within}: the caller
     * can look at other things (a stop request) between two waits.
     */
    @Override
    public Message receive(int from, Duration within) {
        int source = from < 0 ? anySource : from;
        long end = System.nanoTime() + within.toNanos();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment flag = a.allocate(INT), status = a.allocate(STATUS_BYTES);
            while (true) {
                check("MPI_Iprobe", Native.call(() -> (int) iprobe.invokeWithArguments(source, TAG_HEADER, comm, flag,
                        status)));
                if (flag.get(ValueLayout.JAVA_INT, 0) != 0) {
                    break;
                }
                if (System.nanoTime() >= end) {
                    return null;
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            // another sender's header may have come first: any header will do, its body follows from its sender
            ByteBuffer h = ByteBuffer.wrap(receiveBytes(a, source, TAG_HEADER, HEADER_BYTES, status))
                    .order(ByteOrder.LITTLE_ENDIAN);
            int sender = h.getInt(), type = h.getInt(), length = h.getInt();
            return new Message(sender, type, receiveBytes(a, sender, TAG_BODY, length, status));
        }
    }

    private byte[] receiveBytes(Arena a, int source, int tag, int length, MemorySegment status) {
        MemorySegment buf = a.allocate(Math.max(1, length));
        check("MPI_Recv", Native.call(() -> (int) recv.invokeWithArguments(buf, length, byteType, source, tag, comm,
                status)));
        return buf.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Ends every rank of the job: for a failure after which the others would wait forever. */
    public void abort(int code) {
        Native.call(() -> (int) abort.invokeWithArguments(comm, code));
    }

    /** Whether MPI was finished here. */
    public boolean closed() { return closed; }

    /** Finishes MPI (every rank, once). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        check("MPI_Finalize", Native.call(() -> (int) lib.mpiFinalize.invokeExact()));
    }

    private static void check(String call, int rc) {
        if (rc != 0) {
            throw new IllegalStateException(call + " returned " + rc);
        }
    }
}
