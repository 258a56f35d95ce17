package org.sparsefeat.data;

/** The teacher's neuron j drawn in plain Java (StrictMath), as sf_teacher_neuron specifies it. */
public final class TeacherReference {
    private TeacherReference() {}

    /** theta_j (d values, unit norm) then s_j. */
    public static double[] neuron(long seed, int d, long j) {
        double[] w = new double[d + 1];
        Philox.normals(seed, Philox.STREAM_TEACHER, j, w, 0, d);
        double s = 0;
        for (int k = 0; k < d; k++) {
            s += w[k] * w[k];
        }
        double inv = 1.0 / Math.sqrt(s);
        for (int k = 0; k < d; k++) {
            w[k] *= inv;
        }
        int[] r = Philox.draw(seed, Philox.STREAM_TEACHER, j, (d + 1) / 2);
        w[d] = (r[0] >>> 31) == 1 ? -1 : 1;
        return w;
    }
}
