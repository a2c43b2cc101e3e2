package org.ntk4j.core.io.internal;

import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.ArrayFormatException;
import org.ntk4j.core.io.NpyHeader;
import org.ntk4j.core.kernel.MemoryBudget;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads one {@code .npy} array from a stream, in chunks: header first, validated against the stream's size when it is
 * known (files, zip entries) before anything is allocated; then the data, element by element into an ND4J buffer
 * (long-indexed, so arrays over 2 GB read like small ones). Streams of unknown size (pipes) are read to the end and
 * refused when they end early or hold more bytes than the header describes.
 *
 * <p>Types whose ND4J type has the same width (float16/32/64, int8..int64, uint64) are byte-swapped to native
 * order in each chunk and copied into the array's memory; the widened unsigned types go element by element.
 */
public final class NpyReader {
    private static final int CHUNK = 1 << 20;
    private static final long DIRECT_CHUNK = 1L << 28;

    private NpyReader() {
    }

    /**
     * @param in        the stream, positioned at the magic string
     * @param name      the file name for messages
     * @param knownSize the stream's exact length in bytes, or {@code -1} when unknown
     * @return the validated header; the stream is positioned at the first data byte
     * @throws ArrayFormatException when the header is malformed, or does not match {@code knownSize}
     * @throws IOException          on a read error
     */
    public static NpyHeader readHeader(InputStream in, String name, long knownSize) throws IOException {
        byte[] prefix = new byte[8];
        int got = readUpTo(in, prefix, 0, 8);
        if (got < 8) {
            if (got >= 6 && Arrays.equals(Arrays.copyOf(prefix, 6), NpyHeaderCodec.MAGIC) || got == 0) {
                throw new ArrayFormatException(name, "truncated: a .npy file has at least 10 bytes, this one has " + got);
            }
            throw new ArrayFormatException(name, "not a .npy file: it has only " + got + " bytes");
        }
        int[] v;
        try {
            v = NpyHeaderCodec.version(prefix);
        } catch (IllegalArgumentException e) {
            throw new ArrayFormatException(name, e.getMessage());
        }
        byte[] lenBytes = new byte[v[1]];
        if (readUpTo(in, lenBytes, 0, v[1]) < v[1]) {
            throw new ArrayFormatException(name, "truncated inside the .npy header length field");
        }
        long len = 0;
        for (int i = v[1] - 1; i >= 0; i--) {
            len = (len << 8) | (lenBytes[i] & 0xFF);
        }
        long dataOffset = 8 + v[1] + len;
        if (knownSize >= 0 && dataOffset > knownSize) {
            throw new ArrayFormatException(name, "truncated: the .npy header is " + len + " bytes long, so the data "
                    + "start at byte " + dataOffset + ", but the file has " + knownSize + " bytes");
        }
        if (len > NpyHeaderCodec.MAX_HEADER_BYTES) {
            throw new ArrayFormatException(name, "the .npy header claims " + len + " bytes, more than the "
                    + NpyHeaderCodec.MAX_HEADER_BYTES + " this reader accepts (numpy writes a few hundred)");
        }
        byte[] header = new byte[(int) len];
        int h = readUpTo(in, header, 0, header.length);
        if (h < header.length) {
            throw new ArrayFormatException(name, "truncated: the .npy header is " + len + " bytes long, the stream "
                    + "ended after " + h + " of them");
        }
        NpyHeader parsed;
        try {
            parsed = NpyHeaderCodec.parse(v[0], header, dataOffset);
        } catch (IllegalArgumentException e) {
            throw new ArrayFormatException(name, e.getMessage());
        }
        if (knownSize >= 0 && knownSize != parsed.totalBytes()) {
            throw new ArrayFormatException(name, sizeMismatch(parsed, knownSize));
        }
        return parsed;
    }

    /**
     * @param in        the stream, positioned at the magic string
     * @param name      the file name for messages
     * @param knownSize the stream's exact length in bytes, or {@code -1} when unknown
     * @param budget    the largest array (in bytes, after conversion) that may be allocated
     * @return the array, in C order, in the ND4J type of {@link NpyDtype#target()}
     * @throws ArrayFormatException when the stream does not hold exactly one such array
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException when the array would not fit the budget
     * @throws IOException          on a read error
     */
    public static INDArray read(InputStream in, String name, long knownSize, MemoryBudget budget) throws IOException {
        return read(in, null, name, knownSize, budget);
    }

    /**
     * @param in        the stream, positioned at the magic string, with no read-ahead buffer (header and widened
     *                  types are read from it)
     * @param data      the channel the same bytes come from (a file's or a pipe's), or {@code null}: same-width
     *                  types are then read from it straight into the array's memory, as numpy does, so that the
     *                  kernel fills fresh pages instead of page faults
     * @param name      the file name for messages
     * @param knownSize the stream's exact length in bytes, or {@code -1} when unknown
     * @param budget    the largest array (in bytes, after conversion) that may be allocated
     * @return the array, in C order, in the ND4J type of {@link NpyDtype#target()}
     * @throws ArrayFormatException when the stream does not hold exactly one such array
     * @throws IOException          on a read error
     */
    public static INDArray read(InputStream in, ReadableByteChannel data, String name, long knownSize,
                                MemoryBudget budget) throws IOException {
        NpyHeader h = readHeader(in, name, knownSize);
        NpyDtype.Parsed t = NpyDtype.parse(h.descr());
        long n = h.elementCount();
        long bytes = MemoryBudget.bytes(t.dtype().target(), n) * (h.fortranOrder() && n > 1 ? 2 : 1);
        budget.check("reading " + name + " (" + describe(h, t.dtype()) + ")", bytes,
                "read a smaller file or raise the memory budget");
        boolean fortran = h.fortranOrder() && h.shape().length > 1;
        // every element is overwritten below (or the array is dropped with the refusal): no zero-filling
        INDArray out;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            // detached: the caller keeps the array, whatever workspace is open
            out = n == 0 ? Nd4j.create(t.dtype().target(), h.shape(), fortran ? 'f' : 'c')
                    : Nd4j.createUninitialized(t.dtype().target(), h.shape(), fortran ? 'f' : 'c');
        }
        if (n > 0) {
            if (t.dtype().size() == t.dtype().target().width()) {
                if (data != null) {
                    direct(data, out, t, n, name, h);
                } else {
                    copy(in, out, t, n, name, h);
                }
            } else {
                fill(in, out.data(), t, n, name, h);
            }
        }
        if (knownSize < 0) {
            long extra = drain(in);
            if (extra > 0) {
                throw new ArrayFormatException(name, "holds " + extra + " bytes more than its header describes ("
                        + describe(h, t.dtype()) + ", " + h.totalBytes() + " bytes in all)");
            }
        }
        if (!fortran) {
            return out;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return out.dup('c');
        }
    }

    /**
     * Same-width types: the bytes, turned to native order, are copied straight into the array's memory (the
     * buffer is long-addressed; only each chunk is a Java array).
     */
    private static void direct(ReadableByteChannel ch, INDArray out, NpyDtype.Parsed t, long n, String name,
                               NpyHeader h) throws IOException {
        int size = t.dtype().size();
        long total = n * size;
        BytePointer dst = new BytePointer(out.data().pointer());
        dst.capacity(total);
        boolean swap = size > 1 && t.order() != ByteOrder.nativeOrder();
        for (long off = 0; off < total; off += DIRECT_CHUNK) {
            long len = Math.min(DIRECT_CHUNK, total - off);
            // a pointer of its own at the chunk's address: javacpp's asByteBuffer() mishandles positions >= 2^31
            BytePointer at = dst.getPointer(off);
            at.capacity(len);
            at.limit(len);
            ByteBuffer view = at.asByteBuffer().order(ByteOrder.nativeOrder());
            while (view.hasRemaining()) {
                if (ch.read(view) < 0) {
                    throw new ArrayFormatException(name, sizeMismatch(h, h.dataOffset() + off + view.position()));
                }
            }
            int count = (int) (len / size);
            if (swap) {
                swap(view, size, count);
            }
            if (t.dtype() == NpyDtype.U8) {
                checkUint64(view, count, off / size, name);
            }
        }
        Nd4j.getAffinityManager().tagLocation(out, AffinityManager.Location.HOST);
    }

    private static void checkUint64(ByteBuffer bb, int count, long first, String name) {
        for (int i = 0; i < count; i++) {
            long v = bb.getLong(8 * i);
            if (v < 0) {
                throw new ArrayFormatException(name, "uint64 element " + (first + i) + " is "
                        + Long.toUnsignedString(v) + ", above the int64 range it is read into; save "
                        + "x.astype(np.float64) instead");
            }
        }
    }

    private static void copy(InputStream in, INDArray out, NpyDtype.Parsed t, long n, String name, NpyHeader h)
            throws IOException {
        int size = t.dtype().size();
        long total = n * size;
        BytePointer dst = new BytePointer(out.data().pointer());
        dst.capacity(total);
        dst.limit(total);
        byte[] chunk = new byte[(int) Math.min(CHUNK, total)];
        boolean swap = size > 1 && t.order() != ByteOrder.nativeOrder();
        ByteBuffer bb = ByteBuffer.wrap(chunk).order(ByteOrder.nativeOrder());
        long done = 0;
        while (done < n) {
            int count = (int) Math.min(chunk.length / size, n - done);
            int got = readUpTo(in, chunk, 0, count * size);
            if (got < count * size) {
                throw new ArrayFormatException(name, sizeMismatch(h, h.dataOffset() + done * size + got));
            }
            if (swap) {
                swap(bb, size, count);
            }
            if (t.dtype() == NpyDtype.U8) {
                checkUint64(bb, count, done, name);
            }
            BytePointer at = dst.getPointer(done * size);
            at.capacity(count * size);
            at.put(chunk, 0, count * size);
            done += count;
        }
        Nd4j.getAffinityManager().tagLocation(out, AffinityManager.Location.HOST);
    }

    private static void swap(ByteBuffer bb, int size, int count) {
        switch (size) {
            case 2 -> {
                for (int i = 0; i < count; i++) {
                    bb.putShort(2 * i, Short.reverseBytes(bb.getShort(2 * i)));
                }
            }
            case 4 -> {
                for (int i = 0; i < count; i++) {
                    bb.putInt(4 * i, Integer.reverseBytes(bb.getInt(4 * i)));
                }
            }
            case 8 -> {
                for (int i = 0; i < count; i++) {
                    bb.putLong(8 * i, Long.reverseBytes(bb.getLong(8 * i)));
                }
            }
            default -> throw new IllegalStateException("item size " + size);
        }
    }

    private static void fill(InputStream in, DataBuffer buf, NpyDtype.Parsed t, long n, String name, NpyHeader h)
            throws IOException {
        int size = t.dtype().size();
        byte[] chunk = new byte[(int) Math.min(CHUNK, n * size)];
        ByteBuffer bb = ByteBuffer.wrap(chunk).order(t.order());
        long done = 0;
        while (done < n) {
            int count = (int) Math.min(chunk.length / size, n - done);
            int got = readUpTo(in, chunk, 0, count * size);
            if (got < count * size) {
                long have = h.dataOffset() + done * size + got;
                throw new ArrayFormatException(name, sizeMismatch(h, have));
            }
            bb.clear();
            decode(bb, buf, t.dtype(), done, count);
            done += count;
        }
    }

    /** The widened unsigned types (the others are copied, not decoded). */
    private static void decode(ByteBuffer bb, DataBuffer buf, NpyDtype type, long at, int count) {
        switch (type) {
            case U1 -> {
                for (int i = 0; i < count; i++) {
                    buf.put(at + i, bb.get() & 0xFF);
                }
            }
            case U2 -> {
                for (int i = 0; i < count; i++) {
                    buf.put(at + i, bb.getShort() & 0xFFFF);
                }
            }
            case U4 -> {
                for (int i = 0; i < count; i++) {
                    buf.put(at + i, bb.getInt() & 0xFFFFFFFFL);
                }
            }
            default -> throw new IllegalStateException(type + " is copied, not decoded");
        }
    }

    /**
     * @param h    a header
     * @param type its element type
     * @return e.g. {@code "[2, 3] float64, C order"}
     */
    public static String describe(NpyHeader h, NpyDtype type) {
        return Arrays.toString(h.shape()) + " " + type.numpyName() + (h.descr().charAt(0) == '>' ? " big-endian" : "")
                + ", " + (h.fortranOrder() ? "Fortran" : "C") + " order";
    }

    private static String sizeMismatch(NpyHeader h, long actual) {
        NpyDtype type = NpyDtype.parse(h.descr()).dtype();
        String what = "its header describes " + describe(h, type) + ": " + h.dataBytes() + " data bytes after a "
                + h.dataOffset() + "-byte header, " + h.totalBytes() + " bytes in all";
        if (actual < h.totalBytes()) {
            return "truncated: " + what + ", but the file has " + actual + " bytes (" + (h.totalBytes() - actual)
                    + " missing)";
        }
        return "too long: " + what + ", but the file has " + actual + " bytes (" + (actual - h.totalBytes())
                + " more); it holds something other than one array written by numpy.save";
    }

    /**
     * @return the bytes read: {@code len} unless the stream ended first
     */
    static int readUpTo(InputStream in, byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int r;
            try {
                r = in.read(b, off + total, len - total);
            } catch (EOFException e) {
                r = -1;
            }
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    private static long drain(InputStream in) throws IOException {
        byte[] b = new byte[8192];
        long extra = 0;
        int r;
        while ((r = in.read(b)) > 0) {
            extra += r;
        }
        return extra;
    }
}
