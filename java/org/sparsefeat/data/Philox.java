package org.sparsefeat.data;

/**
 * Philox4x32-10 (Salmon et al., SC 2011), the same function as native/include/sf_philox.h: a counter-based
 * generator, so element i of a stream is drawn without drawing the others, on any thread or device, with
 * the same bits. Normals come by Box-Muller through {@link StrictMath}, so a seed gives the same bits on
 * every machine and JVM.
 */
public final class Philox {
    // The registry of streams: independent draws under one seed, one id per use, every id here and nowhere else
    // (PhiloxTest checks that they are distinct, and that the teacher's is the native SF_STREAM_TEACHER).
    // Changing an id changes every result drawn from it.
    /** Training points (data.Points). */
    public static final int STREAM_TRAIN_POINTS = 1;
    /** Test points. */
    public static final int STREAM_TEST_POINTS = 2;
    /** Teacher neurons' weights: SF_STREAM_TEACHER of native/include/sf_teacher.h (drawn in C and CUDA too). */
    public static final int STREAM_TEACHER = 3;
    /** The Gaussian random field's coefficients (data.Datasets). */
    public static final int STREAM_GRF = 4;
    /** A net's first-layer weights (net.NetInit). */
    public static final int STREAM_NET_W1 = 5;
    /** A net's second-layer weights (net.NetInit). */
    public static final int STREAM_NET_W2 = 6;
    /** Random rotations of the stability analysis (analysis.Stability). */
    public static final int STREAM_ROTATION = 7;
    /** The shuffles of image splits (images.Splits). */
    public static final int STREAM_IMAGE_SHUFFLE = 8;
    /** The image classifier's first-layer weights (classify.SoftplusNet). */
    public static final int STREAM_SOFTPLUS_W0 = 9;
    /** The image classifier's second-layer weights (classify.SoftplusNet). */
    public static final int STREAM_SOFTPLUS_W1 = 10;
    /** The random displacement fields of image diffeomorphisms (images.Diffeo). */
    public static final int STREAM_DIFFEO_FIELDS = 11;
    /** The noise of the image stability measure (images.ImageStability). */
    public static final int STREAM_IMAGE_NOISE = 12;

    private Philox() {}

    /** The four output words for counter (c0..c3) under key (k0, k1). */
    public static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += 0x9E3779B9;
                k1 += 0xBB67AE85;
            }
            long p0 = (0xD2511F53L) * Integer.toUnsignedLong(c0);
            long p1 = (0xCD9E8D57L) * Integer.toUnsignedLong(c2);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            int n0 = hi1 ^ c1 ^ k0;
            int n2 = hi0 ^ c3 ^ k1;
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /** The words for pair {@code pair} of element {@code item} of {@code stream} under {@code seed}. */
    public static int[] draw(long seed, int stream, long item, int pair) {
        return block(pair, (int) item, (int) (item >>> 32), stream, (int) seed, (int) (seed >>> 32));
    }

    /** A uniform double in (0, 1) from two words (52 bits, so that the largest value stays below 1). */
    public static double uniformOpen(int hi, int lo) {
        long bits = ((Integer.toUnsignedLong(hi) << 32) | Integer.toUnsignedLong(lo)) >>> 12;
        return (bits + 0.5) * 0x1.0p-52;
    }

    /** Two independent standard normals, as sf_normal_pair. */
    public static void normalPair(long seed, int stream, long item, int pair, double[] out, int offset) {
        int[] r = draw(seed, stream, item, pair);
        double u1 = uniformOpen(r[0], r[1]);
        double u2 = uniformOpen(r[2], r[3]);
        double rad = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        double a = 2.0 * Math.PI * u2;
        out[offset] = rad * StrictMath.cos(a);
        out[offset + 1] = rad * StrictMath.sin(a);
    }

    /** d standard normals for element {@code item}: pairs 0..ceil(d/2)-1, the spare of an odd d dropped. */
    public static void normals(long seed, int stream, long item, double[] out, int offset, int d) {
        double[] pair = new double[2];
        for (int k = 0; k < d; k += 2) {
            normalPair(seed, stream, item, k / 2, pair, 0);
            out[offset + k] = pair[0];
            if (k + 1 < d) {
                out[offset + k + 1] = pair[1];
            }
        }
    }

    /** One more uniform for element {@code item}, from the pair after its d normals. */
    public static double extraUniform(long seed, int stream, long item, int d) {
        int[] r = draw(seed, stream, item, (d + 1) / 2);
        return uniformOpen(r[0], r[1]);
    }
}
