package org.ntk4j.core.io;

import java.util.Arrays;

/**
 * The header of a {@code .npy} file, as read and validated (before any data is read).
 *
 * @param version      format version: 1, 2 or 3 (the major number; the minor is always 0)
 * @param descr        the numpy type string, e.g. {@code "<f8"} (byte order, kind, item size)
 * @param fortranOrder whether the data are stored column-major
 * @param shape        the array's shape ({@code []} for a 0-d array); callers must not modify it
 * @param dataOffset   the byte offset of the first data byte (magic, version, length field and header included)
 * @param itemSize     bytes per element
 */
public record NpyHeader(int version, String descr, boolean fortranOrder, long[] shape, long dataOffset, int itemSize) {
    /** @return the number of elements (1 for a 0-d array, 0 when a dimension is 0) */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** @return the number of data bytes the header describes */
    public long dataBytes() {
        return elementCount() * itemSize;
    }

    /** @return {@code dataOffset() + dataBytes()}: the exact size of a well-formed file */
    public long totalBytes() {
        return dataOffset + dataBytes();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && h.version == version && h.descr.equals(descr) && h.fortranOrder == fortranOrder
                && Arrays.equals(h.shape, shape) && h.dataOffset == dataOffset && h.itemSize == itemSize;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + descr.hashCode() + (fortranOrder ? 1 : 0) + Long.hashCode(dataOffset);
    }

    @Override
    public String toString() {
        return "NpyHeader[v" + version + ".0, " + descr + ", " + (fortranOrder ? "F" : "C") + " order, shape "
                + Arrays.toString(shape) + ", data at byte " + dataOffset + "]";
    }
}
