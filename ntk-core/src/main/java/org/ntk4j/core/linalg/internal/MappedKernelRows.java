package org.ntk4j.core.linalg.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ArrayFormatException;
import org.ntk4j.core.io.NpyHeader;
import org.ntk4j.core.linalg.KernelRows;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * {@link KernelRows} of a {@code .npy} kernel file mapped read-only in chunks of whole rows, each under 2 GiB, so that
 * files of any size can be streamed. Accepts little-endian {@code f4}/{@code f8}, C or Fortran order (the kernel is
 * symmetric, so both read the same).
 */
public final class MappedKernelRows implements KernelRows {
    private final long n;
    private final DataType storage;
    private final long rowsPerChunk;
    private final FloatBuffer[] floatChunks;
    private final DoubleBuffer[] doubleChunks;
    private float[] row;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    /** @param file a square kernel {@code .npy} */
    public MappedKernelRows(Path file) {
        this(file, Integer.MAX_VALUE - 8);
    }

    /**
     * @param file       a square kernel {@code .npy}
     * @param chunkBytes the largest mapped chunk (tests use small chunks to cross chunk boundaries)
     */
    public MappedKernelRows(Path file, long chunkBytes) {
        NpyHeader h = ArrayFiles.readNpyHeader(file);
        String name = file.toString();
        long[] s = h.shape();
        if (s.length != 2 || s[0] != s[1]) {
            throw new ArrayFormatException(name, "expected a square kernel [n, n], got " + Arrays.toString(s));
        }
        String d = h.descr();
        boolean little = d.startsWith("<") || (d.startsWith("=") && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        if (!little || !(d.endsWith("f4") || d.endsWith("f8"))) {
            throw new ArrayFormatException(name, "expected a little-endian float32 or float64 kernel (<f4 or <f8), got "
                    + d + ": convert it with numpy (a.astype('<f8'))");
        }
        this.n = s[0];
        this.storage = d.endsWith("f4") ? DataType.FLOAT : DataType.DOUBLE;
        long rowBytes = Math.max(1, n * h.itemSize());
        this.rowsPerChunk = Math.max(1, Math.min(Integer.MAX_VALUE - 8, chunkBytes) / rowBytes);
        int chunks = n == 0 ? 0 : (int) ((n + rowsPerChunk - 1) / rowsPerChunk);
        this.floatChunks = storage == DataType.FLOAT ? new FloatBuffer[chunks] : null;
        this.doubleChunks = storage == DataType.DOUBLE ? new DoubleBuffer[chunks] : null;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int c = 0; c < chunks; c++) {
                long first = c * rowsPerChunk;
                long rows = Math.min(rowsPerChunk, n - first);
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, h.dataOffset() + first * rowBytes,
                        rows * rowBytes);
                m.order(ByteOrder.LITTLE_ENDIAN);
                if (floatChunks != null) {
                    floatChunks[c] = m.asFloatBuffer();
                } else {
                    doubleChunks[c] = m.asDoubleBuffer();
                }
            }
        } catch (IOException e) {
            throw new ArrayFormatException(name, "cannot map: " + e.getMessage(), e);
        }
    }

    @Override
    public long size() {
        return n;
    }

    @Override
    public DataType storage() {
        return storage;
    }

    @Override
    public void read(long first, int count, double[] dst) {
        int len = (int) n;
        if (floatChunks != null && (row == null || row.length < len)) {
            row = new float[len];
        }
        for (int r = 0; r < count; r++) {
            long i = first + r;
            int c = (int) (i / rowsPerChunk);
            int at = (int) ((i - c * rowsPerChunk) * n);
            if (floatChunks != null) {
                floatChunks[c].get(at, row, 0, len);
                int o = r * len;
                for (int j = 0; j < len; j++) {
                    dst[o + j] = row[j];
                }
            } else {
                doubleChunks[c].get(at, dst, r * len, len);
            }
        }
    }

    @Override
    public void readRowPrefix(long i, int count, double[] dst) {
        int c = (int) (i / rowsPerChunk);
        int at = (int) ((i - c * rowsPerChunk) * n);
        if (floatChunks != null) {
            float[] buf = SCRATCH.get();
            if (buf.length < count) {
                buf = new float[(int) n];
                SCRATCH.set(buf);
            }
            floatChunks[c].get(at, buf, 0, count);          // absolute bulk get: no shared position
            for (int j = 0; j < count; j++) {
                dst[j] = buf[j];
            }
        } else {
            doubleChunks[c].get(at, dst, 0, count);
        }
    }

    @Override
    public void diagonal(double[] dst) {
        for (long i = 0; i < n; i++) {
            int c = (int) (i / rowsPerChunk);
            int at = (int) ((i - c * rowsPerChunk) * n + i);
            dst[(int) i] = floatChunks != null ? floatChunks[c].get(at) : doubleChunks[c].get(at);
        }
    }
}
