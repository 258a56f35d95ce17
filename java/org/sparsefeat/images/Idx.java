package org.sparsefeat.images;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;

/**
 * The IDX format of MNIST and Fashion-MNIST (raw or gzip-compressed, told apart by their first bytes):
 * images magic 0x00000803 with count, rows, columns; labels magic 0x00000801 with count; unsigned bytes.
 */
public final class Idx {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private Idx() {}

    /** Reads an image file and its label file; pixels scaled to [0, 1] (torchvision's ToTensor). */
    public static ImageSet read(String name, Path images, Path labels) {
        int[] lab;
        try (DataInputStream in = open(labels)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw bad(labels, String.format("magic number 0x%08x is not that of IDX labels (0x%08x)", magic, LABELS_MAGIC));
            }
            int count = in.readInt();
            if (count < 0) {
                throw bad(labels, "negative count " + count);
            }
            byte[] raw = new byte[count];
            in.readFully(raw);
            lab = new int[count];
            for (int i = 0; i < count; i++) {
                lab[i] = raw[i] & 0xff;
            }
        } catch (EOFException e) {
            throw bad(labels, "truncated: fewer labels than its header announces");
        } catch (NoSuchFileException e) {
            throw bad(labels, "no such file");
        } catch (IOException e) {
            throw bad(labels, "cannot read (" + e.getMessage() + ")");
        }
        try (DataInputStream in = open(images)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw bad(images, String.format("magic number 0x%08x is not that of IDX images (0x%08x)", magic, IMAGES_MAGIC));
            }
            int count = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (count < 0 || rows < 1 || cols < 1 || (long) rows * cols > 1 << 20) {
                throw bad(images, "implausible header: " + count + " images of " + rows + " x " + cols);
            }
            if (count != lab.length) {
                throw bad(images, count + " images but " + labels.getFileName() + " holds " + lab.length + " labels");
            }
            int dim = rows * cols;
            byte[] raw = new byte[dim];
            double[] px = new double[count * dim];
            for (int i = 0; i < count; i++) {
                in.readFully(raw);
                for (int k = 0; k < dim; k++) {
                    px[i * dim + k] = (raw[k] & 0xff) / 255.0;
                }
            }
            return new ImageSet(name, new Matrix(count, dim, px), lab, 1, rows, cols);
        } catch (EOFException e) {
            throw bad(images, "truncated: fewer pixels than its header announces");
        } catch (NoSuchFileException e) {
            throw bad(images, "no such file");
        } catch (IOException e) {
            throw bad(images, "cannot read (" + e.getMessage() + ")");
        }
    }

    /** Concatenates sets of the same image shape (train and test are pooled, as the reference does). */
    public static ImageSet pool(String name, ImageSet a, ImageSet b) {
        int dim = a.dimension();
        if (b.dimension() != dim) {
            throw new InvalidInputException(name + ": cannot pool images of " + dim + " and " + b.dimension() + " values");
        }
        double[] px = new double[(a.size() + b.size()) * dim];
        System.arraycopy(a.pixels().data(), 0, px, 0, a.size() * dim);
        System.arraycopy(b.pixels().data(), 0, px, a.size() * dim, b.size() * dim);
        int[] lab = new int[a.size() + b.size()];
        System.arraycopy(a.labels(), 0, lab, 0, a.size());
        System.arraycopy(b.labels(), 0, lab, a.size(), b.size());
        return new ImageSet(name, new Matrix(a.size() + b.size(), dim, px), lab, a.channels(), a.height(), a.width());
    }

    static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read(), b1 = raw.read();
        raw.reset();
        InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        return new DataInputStream(in);
    }

    static InvalidInputException bad(Path file, String what) {
        return new InvalidInputException(file + ": " + what);
    }
}
