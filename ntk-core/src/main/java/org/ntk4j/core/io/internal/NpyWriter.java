package org.ntk4j.core.io.internal;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes one array as a {@code .npy} stream: version 1.0 (2.0 when the header needs more than 65535 bytes),
 * little-endian, C order, in chunks.
 */
public final class NpyWriter {
    private static final int CHUNK = 1 << 20;

    private NpyWriter() {
    }

    /**
     * @param a   the array (any order, views included)
     * @param out the stream (not closed)
     * @throws IllegalArgumentException for element types that {@link NpyDtype#descrOf} refuses
     * @throws IOException              on a write error
     */
    public static void write(INDArray a, OutputStream out) throws IOException {
        String descr = NpyDtype.descrOf(a.dataType());
        long[] shape = a.shape();
        out.write(NpyHeaderCodec.format(descr, shape));
        long n = a.length();
        if (n == 0) {
            return;
        }
        INDArray c = a.ordering() == 'c' && !a.isView() && a.offset() == 0 && a.data().length() == n ? a : a.dup('c');
        DataBuffer d = c.data();
        int size = a.dataType().width();
        byte[] chunk = new byte[(int) Math.min(CHUNK, n * size)];
        ByteBuffer bb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        long done = 0;
        while (done < n) {
            int count = (int) Math.min(chunk.length / size, n - done);
            bb.clear();
            encode(d, bb, descr, done, count);
            out.write(chunk, 0, count * size);
            done += count;
        }
    }

    private static void encode(DataBuffer d, ByteBuffer bb, String descr, long at, int count) {
        switch (descr) {
            case "<f8" -> {
                for (int i = 0; i < count; i++) {
                    bb.putDouble(d.getDouble(at + i));
                }
            }
            case "<f4" -> {
                for (int i = 0; i < count; i++) {
                    bb.putFloat(d.getFloat(at + i));
                }
            }
            case "<f2" -> {
                for (int i = 0; i < count; i++) {
                    bb.putShort(Half.fromFloat(d.getFloat(at + i)));
                }
            }
            case "<i8" -> {
                for (int i = 0; i < count; i++) {
                    bb.putLong(d.getLong(at + i));
                }
            }
            case "<i4" -> {
                for (int i = 0; i < count; i++) {
                    bb.putInt(d.getInt(at + i));
                }
            }
            case "<i2" -> {
                for (int i = 0; i < count; i++) {
                    bb.putShort((short) d.getInt(at + i));
                }
            }
            case "|i1", "|u1" -> {
                for (int i = 0; i < count; i++) {
                    bb.put((byte) d.getInt(at + i));
                }
            }
            default -> throw new IllegalStateException("unhandled " + descr);
        }
    }
}
