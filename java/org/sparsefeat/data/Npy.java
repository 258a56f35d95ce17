package org.sparsefeat.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparsefeat.linalg.Matrix;
import org.sparsefeat.util.InvalidInputException;
import org.sparsefeat.util.OutputFile;

/**
 * NumPy's .npy format (versions 1.0, 2.0, 3.0) for float64 arrays: what np.save writes and np.load reads.
 * Reads C- and Fortran-ordered, little- and big-endian float64; writes version 1.0, C order, '&lt;f8' (or
 * '&lt;f4' for float32 Gram matrices).
 * Every problem is an {@link IllegalArgumentException} that names the file and what was expected.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** An array read from a file: its shape and its values in C order. */
    public record Array(int[] shape, double[] data) {
        @Override
        public String toString() { return "array of shape " + shapeString(shape); }
    }

    private Npy() {}

    public static Array read(Path file) {
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            size = ch.size();
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(file, seg, size);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file (expected a float64 .npy file)");
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    private static Array parse(Path file, MemorySegment seg, long size) {
        if (size < 10 || !Arrays.equals(seg.asSlice(0, 6).toArray(ValueLayout.JAVA_BYTE), MAGIC)) {
            throw bad(file, "not a .npy file (no \\x93NUMPY magic)");
        }
        int major = seg.get(ValueLayout.JAVA_BYTE, 6);
        long headerLen;
        long headerStart;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (size < 12) {
                throw bad(file, "truncated header");
            }
            headerLen = Integer.toUnsignedLong(seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
            headerStart = 12;
        } else {
            throw bad(file, "unsupported .npy format version " + major + " (expected 1, 2 or 3)");
        }
        if (headerStart + headerLen > size) {
            throw bad(file, "truncated header");
        }
        String header = new String(seg.asSlice(headerStart, headerLen).toArray(ValueLayout.JAVA_BYTE),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(file, DESCR, header, "descr");
        boolean fortran = group(file, FORTRAN, header, "fortran_order").equals("True");
        int[] shape = parseShape(file, group(file, SHAPE, header, "shape"));
        ByteOrder order = switch (descr) {
            case "<f8" -> ByteOrder.LITTLE_ENDIAN;
            case ">f8" -> ByteOrder.BIG_ENDIAN;
            default -> throw bad(file, "dtype '" + descr + "' is not float64; expected '<f8' (save with"
                    + " arr.astype(np.float64))");
        };
        long count = 1;
        for (int s : shape) {
            count *= s;
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw bad(file, "array of shape " + shapeString(shape) + " is too large");
        }
        long dataStart = headerStart + headerLen;
        if (size - dataStart < count * 8) {
            throw bad(file, "truncated data: shape " + shapeString(shape) + " needs " + count * 8 + " bytes, the file has "
                    + (size - dataStart));
        }
        double[] values = new double[(int) count];
        MemorySegment.copy(seg, ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), dataStart, values, 0, (int) count);
        if (fortran && shape.length > 1) {
            values = fortranToC(values, shape);
        }
        return new Array(shape, values);
    }

    /** A 2-d array of shape (rows, cols) whose values are all finite; {@code what} names it in errors. */
    public static Matrix readMatrix(Path file, String what) {
        Array a = read(file);
        if (a.shape().length != 2) {
            throw new InvalidInputException(what + " " + file + ": expected a 2-d array of shape (n, d), got "
                    + a);
        }
        requireFinite(a.data(), what + " " + file);
        return new Matrix(a.shape()[0], a.shape()[1], a.data());
    }

    /** A 1-d array of shape (n,) (or (n, 1)) whose values are all finite. */
    public static double[] readVector(Path file, String what) {
        Array a = read(file);
        boolean column = a.shape().length == 2 && a.shape()[1] == 1;
        if (a.shape().length != 1 && !column) {
            throw new InvalidInputException(what + " " + file + ": expected a 1-d array of shape (n,), got " + a);
        }
        requireFinite(a.data(), what + " " + file);
        return a.data();
    }

    public static void requireFinite(double[] values, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new InvalidInputException(what + ": value " + values[i] + " at flat index " + i
                        + "; expected finite numbers only");
            }
        }
    }

    public static void write(Path file, Matrix m) throws IOException { OutputFile.write(file, body(m)); }

    public static void write(Path file, double[] v) throws IOException { OutputFile.write(file, body(v)); }

    /** Writes version 1.0, C order, little-endian float64, whole or not at all (see {@link OutputFile}). */
    public static void write(Path file, int[] shape, double[] data) throws IOException {
        OutputFile.write(file, body(shape, data));
    }

    /** As above, little-endian float32 ('&lt;f4'), for Gram matrices asked for in single precision. */
    public static void write(Path file, int[] shape, float[] data) throws IOException {
        OutputFile.write(file, body(shape, "<f4", 4L * data.length, (out, at) -> MemorySegment.copy(data, 0, out,
                ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at, data.length)));
    }

    /** A matrix's .npy bytes, for {@link OutputFile#writeAll}. */
    public static OutputFile.Body body(Matrix m) { return body(new int[] {m.rows(), m.cols()}, m.data()); }

    /** A vector's .npy bytes. */
    public static OutputFile.Body body(double[] v) { return body(new int[] {v.length}, v); }

    private static OutputFile.Body body(int[] shape, double[] data) {
        return body(shape, "<f8", 8L * data.length, (out, at) -> MemorySegment.copy(data, 0, out,
                ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at, data.length));
    }

    /** The rows [from, to) of a matrix being written, row-major; null (or a short array) is a bug. */
    @FunctionalInterface
    public interface RowBlock {
        double[] rows(int from, int to) throws IOException;
    }

    /**
     * The .npy bytes of a rows x cols matrix produced a block of rows at a time, as float64 or (when {@code float32})
     * float32 rounded once: the whole matrix is never held, so a Gram larger than memory can be written. Blocks of
     * {@code blockRows} rows; each block is checked to be finite (the message names {@code what}).
     */
    public static OutputFile.Body bodyByRows(int rows, int cols, boolean float32, int blockRows, String what,
            RowBlock source) {
        return ch -> {
            byte[] header = header(new int[] {rows, cols}, float32 ? "<f4" : "<f8");
            OutputFile.writeFully(ch, ByteBuffer.wrap(header));
            int width = float32 ? 4 : 8;
            ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE - 8, (long) blockRows * cols * width))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int r0 = 0; r0 < rows; r0 += blockRows) {
                int r1 = Math.min(rows, r0 + blockRows);
                double[] block = source.rows(r0, r1);
                requireFinite(block, what);
                buf.clear();
                for (double v : block) {
                    if (float32) {
                        float f = (float) v;
                        if (!Float.isFinite(f)) {
                            throw new InvalidInputException(what + " has an entry (" + v + ") beyond float32's range;"
                                    + " use float64");
                        }
                        buf.putFloat(f);
                    } else {
                        buf.putDouble(v);
                    }
                }
                buf.flip();
                OutputFile.writeFully(ch, buf);
            }
        };
    }

    /** The header of a version 1.0 file: magic, version, length, the dict padded so the data start 64-aligned. */
    private static byte[] header(int[] shape, String descr) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        byte[] h = new byte[total];
        System.arraycopy(MAGIC, 0, h, 0, MAGIC.length);
        h[6] = 1;
        h[7] = 0;
        h[8] = (byte) ((total - 10) & 0xff);
        h[9] = (byte) ((total - 10) >> 8);
        byte[] d = (dict + " ".repeat(total - unpadded) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(d, 0, h, 10, d.length);
        return h;
    }

    /** Puts the data into the file's image at a byte offset. */
    private interface DataWriter {
        void copy(MemorySegment out, long at);
    }

    private static OutputFile.Body body(int[] shape, String descr, long dataBytes, DataWriter data) {
        return ch -> {
            byte[] h = header(shape, descr);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(h.length + dataBytes);
                MemorySegment.copy(h, 0, out, ValueLayout.JAVA_BYTE, 0, h.length);
                data.copy(out, h.length);
                for (long at = 0; at < out.byteSize(); at += 1L << 30) {  // a ByteBuffer holds < 2 GiB
                    OutputFile.writeFully(ch, out.asSlice(at, Math.min(1L << 30, out.byteSize() - at)).asByteBuffer());
                }
            }
        };
    }

    private static double[] fortranToC(double[] f, int[] shape) {
        // Fortran order: the first index varies fastest. Permute to C order (the last index fastest).
        int dims = shape.length;
        double[] c = new double[f.length];
        int[] idx = new int[dims];
        for (int flat = 0; flat < f.length; flat++) {
            int cIndex = 0;
            for (int k = 0; k < dims; k++) {
                cIndex = cIndex * shape[k] + idx[k];
            }
            c[cIndex] = f[flat];
            for (int k = 0; k < dims; k++) {  // advance the Fortran multi-index
                if (++idx[k] < shape[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        return c;
    }

    private static int[] parseShape(Path file, String s) {
        String[] parts = s.split(",");
        return Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty()).mapToInt(p -> {
            try {
                long v = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw bad(file, "shape entry " + p + " out of range");
                }
                return (int) v;
            } catch (NumberFormatException e) {
                throw bad(file, "malformed shape (" + s + ")");
            }
        }).toArray();
    }

    private static String group(Path file, Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw bad(file, "malformed header: no valid '" + key + "' in " + header.trim());
        }
        return m.group(1);
    }

    static String shapeString(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return b.append(')').toString();
    }

    private static InvalidInputException bad(Path file, String what) {
        return new InvalidInputException(file + ": " + what);
    }
}
