package org.sparsefeat.images;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small data sets in the real formats, for the readers' tests and the CLI's. */
public final class FakeImages {
    private FakeImages() {}

    /** Class c's images: a bright square whose position depends on c, plus a little texture. */
    static int pixel(int image, int label, int r, int s, int size) {
        int side = size / 3;
        int top = (label % 3) * side / 2, left = (label / 3) * side / 3;
        boolean on = r >= top && r < top + side && s >= left && s < left + side;
        long h = (image * 2654435761L + r * 40503L + s * 9973L) * 0x9E3779B97F4A7C15L;
        int noise = (int) ((h >>> 40) % 60);  // distinct texture per image, so that no two images coincide
        return on ? 190 + noise : noise;
    }

    public static void writeIdx(Path images, Path labels, int count, int size, boolean gzip) throws IOException {
        writeIdx(images, labels, count, size, gzip, 0);
    }

    /** Images number first .. first + count - 1: files with different first hold different images. */
    public static void writeIdx(Path images, Path labels, int count, int size, boolean gzip, int first)
            throws IOException {
        ByteArrayOutputStream img = new ByteArrayOutputStream(), lab = new ByteArrayOutputStream();
        DataOutputStream di = new DataOutputStream(img), dl = new DataOutputStream(lab);
        di.writeInt(Idx.IMAGES_MAGIC);
        di.writeInt(count);
        di.writeInt(size);
        di.writeInt(size);
        dl.writeInt(Idx.LABELS_MAGIC);
        dl.writeInt(count);
        for (int i = first; i < first + count; i++) {
            int label = i % 10;
            dl.writeByte(label);
            for (int r = 0; r < size; r++) {
                for (int s = 0; s < size; s++) {
                    di.writeByte(pixel(i, label, r, s, size));
                }
            }
        }
        write(images, img.toByteArray(), gzip);
        write(labels, lab.toByteArray(), gzip);
    }

    /** An installed fake "mnist": trainCount + testCount distinct 28 x 28 images. */
    public static Path mnistRoot(Path root, int trainCount, int testCount) throws IOException {
        Path dir = Files.createDirectories(root.resolve("mnist"));
        writeIdx(dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), trainCount, 28, false);
        writeIdx(dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"), testCount, 28, false,
                trainCount);
        return root;
    }

    public static void writeCifarBatch(Path file, int records, int firstLabel) throws IOException {
        byte[] b = new byte[records * Cifar10.RECORD];
        for (int i = 0; i < records; i++) {
            int label = (firstLabel + i) % 10;
            b[i * Cifar10.RECORD] = (byte) label;
            for (int ch = 0; ch < 3; ch++) {
                for (int r = 0; r < 32; r++) {
                    for (int s = 0; s < 32; s++) {
                        b[i * Cifar10.RECORD + 1 + ch * 1024 + r * 32 + s] = (byte) ((pixel(i, label, r, s, 32) + ch * 10) & 0xff);
                    }
                }
            }
        }
        Files.write(file, b);
    }

    private static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes);
        }
    }
}
