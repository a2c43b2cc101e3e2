package org.ntk4j.core.io;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * What an out-of-core kernel file holds: a 2-D {@code .npy} array {@code [rows·m, cols·m]} (C order, little-endian,
 * FLOAT {@code <f4} or DOUBLE {@code <f8}) written in tiles of {@code block × block} examples, and the fingerprint
 * of the computation that writes it (so that a rerun resumes only its own file). See {@link KernelFile} and
 * docs/file-formats.md ("Out-of-core kernel files").
 *
 * @param rows              examples of the first side {@code n1}
 * @param cols              examples of the second side {@code n2}
 * @param entriesPerExample {@code m}: 1 for a TRACE kernel, {@code o} for a FULL kernel in the flattened example-major
 *                          layout (row {@code i·o + k})
 * @param dataType          the file's element type, FLOAT or DOUBLE
 * @param block             examples per tile edge, &gt; 0
 * @param symmetric         whether the second side is the first: tiles on and above the diagonal are written, each
 *                          off-diagonal one also transposed below it
 * @param fingerprint       identifies the computation (network, inputs, settings): letters, digits, {@code :-_.}
 */
public record KernelFileSpec(long rows, long cols, int entriesPerExample, DataType dataType, int block,
                             boolean symmetric, String fingerprint) {
    /** Validates. */
    public KernelFileSpec {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a kernel file needs at least one row and column (got: " + rows + " x "
                    + cols + ")");
        }
        if (entriesPerExample < 1) {
            throw new IllegalArgumentException("entriesPerExample must be >= 1 (got: " + entriesPerExample + ")");
        }
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("kernel files are FLOAT or DOUBLE (got: " + dataType + ")");
        }
        if (block < 1) {
            throw new IllegalArgumentException("block must be >= 1 (got: " + block + ")");
        }
        if (symmetric && rows != cols) {
            throw new IllegalArgumentException("a symmetric kernel is square (got: " + rows + " x " + cols + ")");
        }
        if (fingerprint == null || !fingerprint.matches("[A-Za-z0-9:_.-]{1,200}")) {
            throw new IllegalArgumentException("fingerprint must be 1 to 200 letters, digits or ':_.-' (got: "
                    + fingerprint + ")");
        }
        if (Math.multiplyHigh(rows * entriesPerExample, cols * entriesPerExample) != 0
                || rows * entriesPerExample * cols * entriesPerExample > Long.MAX_VALUE / 8) {
            throw new IllegalArgumentException("a kernel of " + rows + " x " + cols + " examples is too large for a file");
        }
    }

    /** @return the {@code .npy} shape {@code [rows·m, cols·m]} */
    public long[] shape() {
        return new long[]{rows * entriesPerExample, cols * entriesPerExample};
    }

    /** @return the numpy type string, {@code <f4} or {@code <f8} */
    public String descr() {
        return dataType == DataType.FLOAT ? "<f4" : "<f8";
    }

    /** @return row blocks {@code ⌈rows / block⌉} */
    public long rowBlocks() {
        return grid().rowBlocks();
    }

    /** @return column blocks {@code ⌈cols / block⌉} */
    public long colBlocks() {
        return grid().colBlocks();
    }

    /** @return the tiles to write: the upper triangle with the diagonal when symmetric, all otherwise */
    public long tiles() {
        return grid().tiles();
    }

    private org.ntk4j.core.kernel.internal.TileScheduler.Grid grid() {
        return new org.ntk4j.core.kernel.internal.TileScheduler.Grid(rows, cols, block, symmetric);
    }

    /** @return bytes of the array data, {@code rows·m · cols·m · itemsize} */
    public long dataBytes() {
        return rows * entriesPerExample * cols * entriesPerExample * (dataType == DataType.FLOAT ? 4L : 8L);
    }
}
