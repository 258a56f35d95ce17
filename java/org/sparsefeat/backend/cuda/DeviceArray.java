package org.sparsefeat.backend.cuda;

/** Float64 values in device memory that free themselves. */
record DeviceArray(Device device, long address, long length) implements AutoCloseable {
    static final int BYTES = Double.BYTES;

    /** {@code length} doubles; {@code what} names them in an out-of-memory message. */
    static DeviceArray allocate(Device device, String what, long length) {
        long bytes = Math.max(1, length) * BYTES;
        return new DeviceArray(device, device.allocate(what + " (" + length + " float64)", bytes), length);
    }

    static DeviceArray upload(Device device, String what, double[] values) {
        DeviceArray a = allocate(device, what, values.length);
        device.copyToDevice(a.address, values, 0, values.length);
        return a;
    }

    /** The address of element i. */
    long at(long i) { return address + i * BYTES; }

    double[] download() {
        double[] v = new double[Math.toIntExact(length)];
        device.copyToHost(v, 0, v.length, address);
        return v;
    }

    void zero() { device.zero(address, Math.max(1, length) * BYTES); }

    @Override
    public void close() { device.free(address); }
}
