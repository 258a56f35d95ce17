package org.sparsefeat.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sparsefeat.linalg.Matrix;

/**
 * CIFAR-10's binary version: data_batch_1.bin .. data_batch_5.bin and test_batch.bin, each 10 000 records
 * of one label byte (0..9) and 3 x 32 x 32 pixel bytes (red, green, blue planes, row-major). All six are
 * pooled, as the reference pools train and test (60 000 images).
 */
public final class Cifar10 {
    static final int RECORD = 1 + 3 * 32 * 32;
    static final int PER_BATCH = 10_000;
    static final String[] BATCHES = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
            "data_batch_5.bin", "test_batch.bin"};

    private Cifar10() {}

    public static ImageSet read(Path dir) {
        return read(dir, BATCHES, PER_BATCH);
    }

    /** The given batch files, each of {@code perBatch} records (10 000 in the real data set). */
    static ImageSet read(Path dir, String[] batches, int perBatch) {
        int dim = RECORD - 1;
        int total = batches.length * perBatch;
        double[] px = new double[total * dim];
        int[] lab = new int[total];
        byte[] rec = new byte[RECORD];
        int i = 0;
        for (String b : batches) {
            Path f = dir.resolve(b);
            try {
                if (!Files.isRegularFile(f)) {
                    throw Idx.bad(f, "no such file (expected CIFAR-10's binary version, cifar-10-batches-bin)");
                }
                long size = Files.size(f);
                if (size != (long) perBatch * RECORD) {
                    throw Idx.bad(f, "size " + size + " bytes; a batch of " + perBatch + " records has "
                            + (long) perBatch * RECORD + (size < (long) perBatch * RECORD ? " (truncated?)" : ""));
                }
                try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
                    for (int r = 0; r < perBatch; r++, i++) {
                        if (in.readNBytes(rec, 0, RECORD) != RECORD) {
                            throw Idx.bad(f, "truncated at record " + r);
                        }
                        lab[i] = rec[0] & 0xff;
                        if (lab[i] > 9) {
                            throw Idx.bad(f, "record " + r + " has label " + lab[i] + "; CIFAR-10 labels are 0..9");
                        }
                        for (int k = 0; k < dim; k++) {
                            px[i * dim + k] = (rec[k + 1] & 0xff) / 255.0;
                        }
                    }
                }
            } catch (IOException e) {
                throw Idx.bad(f, "cannot read (" + e.getMessage() + ")");
            }
        }
        return new ImageSet("cifar10", new Matrix(total, dim, px), lab, 3, 32, 32);
    }
}
