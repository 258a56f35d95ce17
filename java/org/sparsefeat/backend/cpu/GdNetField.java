package org.sparsefeat.backend.cpu;

import java.util.Locale;

/**
 * The fields of struct sf_gd_net (native/include/sf_net.h), one net's gradient-descent state, shared by the CPU step
 * (NativeNet), the GPU kernels (CudaNetBatch) and this host code. The offsets come from libsparsefeat (NativeLayout),
 * never from this list's order; the order here is what the C struct is expected to be, and GdNetLayoutTest checks it
 * field by field (a field moved, added or dropped on one side fails it). Every field is 8 bytes.
 */
public enum GdNetField {
    N, NP, D, H, XT, Y, F0, F, R, PARTIAL, W1, B, W2, SCALE, ALPHA, LR, LAMBDA, LAMBDA_POWER, LOSS_STOP, STOP_BELOW,
    REG, SCHEDULE, SPHERE, CONIC, CONIC_FROM_START, QUIRKS, STEP, LOSS,
    /** GPU only (the CPU leaves them 0). */
    CHUNKS, LIMIT, STOPPED;

    /** The size of struct sf_gd_net, in bytes. */
    public static final long BYTES = NativeLayout.value("sizeof(sf_gd_net)");
    /** The size of struct sf_gd_net, in 8-byte words. */
    public static final int WORDS = Math.toIntExact(BYTES / Long.BYTES);

    /** The byte offset of the field in struct sf_gd_net, as gcc laid it out. */
    public final long offset = NativeLayout.value(cName());

    /** The field's name in C, e.g. "sf_gd_net.loss_stop". */
    public String cName() { return "sf_gd_net." + name().toLowerCase(Locale.ROOT); }

    /** The field's position in the struct as an array of 8-byte words. */
    public int word() { return Math.toIntExact(offset / Long.BYTES); }
}
