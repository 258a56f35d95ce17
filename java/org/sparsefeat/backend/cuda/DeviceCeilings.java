package org.sparsefeat.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sparsefeat.backend.Backend;

/**
 * The device's own ceilings for {@code sparsefeat bench}: cuBLAS's float64 GEMM rate (the roof of every dense path
 * that runs on the device) and the host-device copy bandwidth from page-locked memory (the roof of a path that streams
 * its tiles). Each returns the operation as a {@link Runnable} that ends with a synchronisation, so that whoever times
 * it times the device; the operands stay allocated until {@link #close}.
 */
public final class DeviceCeilings implements AutoCloseable {
    private final Device dev;
    private final List<AutoCloseable> held = new ArrayList<>();

    private DeviceCeilings(Device dev) { this.dev = dev; }

    /** The ceilings of the backend's device; empty for a backend that computes on the host. */
    public static Optional<DeviceCeilings> of(Backend backend) {
        return backend instanceof CudaBackend gpu ? Optional.of(new DeviceCeilings(gpu.dev())) : Optional.empty();
    }

    /** The device's name, for the rows' implementation column. */
    public String name() { return dev.name(); }

    /** Why the device's GEMM cannot be measured (no cuBLAS), or empty when it can. */
    public Optional<String> whyNoGemm() {
        return dev.blas().isPresent() ? Optional.empty() : Optional.of("no cuBLAS (" + dev.blasStatus() + ")");
    }

    /**
     * C := A B with n x n operands in device memory (zeros: cuBLAS's rate does not depend on the values, and
     * zeros cost no upload), then a synchronisation: 2 n^3 flops.
     */
    public Runnable gemm(int n) {
        CudaBlas blas = dev.blas().orElseThrow(() -> new IllegalStateException(whyNoGemm().orElse("")));
        long len = (long) n * n;
        DeviceArray a = hold(DeviceArray.allocate(dev, "the GEMM ceiling's A (" + n + " x " + n + ")", len));
        DeviceArray b = hold(DeviceArray.allocate(dev, "the GEMM ceiling's B (" + n + " x " + n + ")", len));
        DeviceArray c = hold(DeviceArray.allocate(dev, "the GEMM ceiling's C (" + n + " x " + n + ")", len));
        a.zero();
        b.zero();
        return () -> {
            blas.gemm(CudaBlas.OP_N, CudaBlas.OP_N, n, n, n, 1.0, a.address(), n, b.address(), n, 0.0, c.address(), n);
            dev.synchronize();
        };
    }

    /** {@code bytes} from page-locked host memory to the device, then a synchronisation. */
    public Runnable hostToDevice(long bytes) {
        Device.Pinned host = hold(dev.allocatePinned("the copy ceiling's host buffer", bytes));
        DeviceArray target = hold(DeviceArray.allocate(dev, "the copy ceiling's device buffer", bytes / DeviceArray.BYTES));
        return () -> {
            dev.copyToDevice(target.address(), host.segment());
            dev.synchronize();
        };
    }

    /** {@code bytes} from the device to page-locked host memory, then a synchronisation. */
    public Runnable deviceToHost(long bytes) {
        Device.Pinned host = hold(dev.allocatePinned("the copy ceiling's host buffer", bytes));
        DeviceArray source = hold(DeviceArray.allocate(dev, "the copy ceiling's device buffer", bytes / DeviceArray.BYTES));
        source.zero();
        return () -> {
            dev.copyToHost(host.segment(), source.address());
            dev.synchronize();
        };
    }

    private <T extends AutoCloseable> T hold(T resource) {
        held.add(resource);
        return resource;
    }

    /** Frees every operand, the last allocated first. */
    @Override
    public void close() {
        for (int i = held.size() - 1; i >= 0; i--) {
            try {
                held.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("freeing a ceiling's buffer failed", e);
            }
        }
        held.clear();
    }
}
