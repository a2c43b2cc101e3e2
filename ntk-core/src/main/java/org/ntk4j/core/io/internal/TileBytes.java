package org.ntk4j.core.io.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.ArrayFormatException;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.io.NpyHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Positional row-by-row I/O of rectangular blocks of a 2-D C-order {@code .npy} file: the writes and checksums of
 * kernel tiles, and block reads. Offsets are {@code long}; nothing is memory-mapped.
 */
public final class TileBytes {
    private TileBytes() {
    }

    /**
     * Writes a C-order array, row by row, at {@code start} with {@code rowStride} bytes between rows.
     *
     * @param ch        the file
     * @param block     a C-order, offset-0 array in the file's element type {@code [rows, cols]}
     * @param start     file offset of the block's first element
     * @param rowStride bytes from one row of the file's array to the next
     * @param crc       updated with the bytes written, in order
     * @throws IOException on a write error
     */
    public static void write(FileChannel ch, INDArray block, long start, long rowStride, CRC32 crc) throws IOException {
        long rows = block.size(0);
        int rowBytes = (int) (block.size(1) * block.dataType().width());
        ByteBuffer all = block.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
        for (long r = 0; r < rows; r++) {
            ByteBuffer row = all.duplicate();
            row.limit((int) ((r + 1) * rowBytes)).position((int) (r * rowBytes));
            crc.update(row.duplicate());
            long pos = start + r * rowStride;
            while (row.hasRemaining()) {
                pos += ch.write(row, pos);
            }
        }
    }

    /**
     * @return the CRC-32 of tile {@code (bi, bj)} as {@link org.ntk4j.core.io.KernelFile} writes it: its rows, then
     *         (symmetric, off the diagonal) its mirror's rows
     * @throws IOException on a read error or a file that ends early
     */
    public static int crc(FileChannel ch, KernelFileSpec spec, long dataOffset, long bi, long bj) throws IOException {
        int m = spec.entriesPerExample(), item = spec.dataType().width();
        long rowStride = spec.cols() * m * item;
        long r0 = bi * spec.block(), c0 = bj * spec.block();
        long rows = (Math.min(spec.rows(), r0 + spec.block()) - r0) * m;
        long cols = (Math.min(spec.cols(), c0 + spec.block()) - c0) * m;
        CRC32 crc = new CRC32();
        ByteBuffer buf = ByteBuffer.allocateDirect((int) (Math.max(rows, cols) * item));
        update(ch, buf, dataOffset + r0 * m * rowStride + c0 * m * item, rows, (int) (cols * item), rowStride, crc);
        if (spec.symmetric() && bi != bj) {
            update(ch, buf, dataOffset + c0 * m * rowStride + r0 * m * item, cols, (int) (rows * item), rowStride, crc);
        }
        return (int) crc.getValue();
    }

    private static void update(FileChannel ch, ByteBuffer buf, long start, long rows, int rowBytes, long rowStride,
                               CRC32 crc) throws IOException {
        for (long r = 0; r < rows; r++) {
            buf.clear().limit(rowBytes);
            readFully(ch, buf, start + r * rowStride);
            buf.flip();
            crc.update(buf);
        }
    }

    /**
     * Reads rows {@code [r0, r1)} and columns {@code [c0, c1)} of a 2-D {@code .npy} kernel file.
     *
     * @param npy the file
     * @param h   its validated header (2-D, C order, {@code <f4} or {@code <f8})
     * @return {@code [r1 − r0, c1 − c0]}, C order, in the file's type
     */
    public static INDArray readBlock(Path npy, NpyHeader h, long r0, long r1, long c0, long c1) {
        String name = npy.toString();
        if (h.shape().length != 2 || h.fortranOrder() || !(h.descr().equals("<f4") || h.descr().equals("<f8"))) {
            throw new ArrayFormatException(name, "is not a 2-D C-order little-endian float32/float64 kernel file (got: "
                    + h + ")");
        }
        long n = h.shape()[0], c = h.shape()[1];
        if (r0 < 0 || r1 > n || r0 > r1 || c0 < 0 || c1 > c || c0 > c1) {
            throw new ArrayFormatException(name, "has no block of rows [" + r0 + ", " + r1 + ") and columns [" + c0 + ", "
                    + c1 + ") (shape " + Arrays.toString(h.shape()) + ")");
        }
        int item = h.itemSize();
        if ((r1 - r0) * (c1 - c0) * item > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a block of " + (r1 - r0) + " x " + (c1 - c0) + " elements exceeds 2 GB: "
                    + "read fewer rows at a time");
        }
        INDArray out = Nd4j.createUninitialized(item == 4 ? DataType.FLOAT : DataType.DOUBLE,
                new long[]{r1 - r0, c1 - c0}, 'c');
        if (out.isEmpty()) {
            return out;
        }
        ByteBuffer all = out.data().asNio();
        int rowBytes = (int) ((c1 - c0) * item);
        try (FileChannel ch = FileChannel.open(npy, StandardOpenOption.READ)) {
            for (long r = r0; r < r1; r++) {
                ByteBuffer row = all.duplicate();
                int at = (int) ((r - r0) * rowBytes);
                row.limit(at + rowBytes).position(at);
                readFully(ch, row, h.dataOffset() + (r * c + c0) * item);
            }
        } catch (IOException e) {
            throw new ArrayFormatException(name, "cannot read: " + e.getMessage(), e);
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException("the file ends early");
            }
            pos += n;
        }
    }
}
