package org.ntk4j.core.kernel;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * An upper bound on the bytes a kernel computation may allocate, checked <em>before</em> allocating.
 *
 * <p>Immutable. The default budget is half of the off-heap limit of this JVM
 * ({@code org.bytedeco.javacpp.maxphysicalbytes}, 4 × {@code -Xmx} unless set), or 2 GiB when the limit is unknown.
 */
public final class MemoryBudget {
    private static final long FALLBACK = 2L << 30;

    private final long bytes;

    private MemoryBudget(long bytes) {
        this.bytes = bytes;
    }

    /**
     * @param bytes the budget, &gt; 0
     * @return a budget of that many bytes
     */
    public static MemoryBudget ofBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("memory budget must be > 0 bytes (got: " + bytes + ")");
        }
        return new MemoryBudget(bytes);
    }

    /** @return half of this JVM's off-heap limit, or 2 GiB when it is not known */
    public static MemoryBudget defaultBudget() {
        long max;
        try {
            max = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
        } catch (Throwable t) {
            max = 0;
        }
        return new MemoryBudget(max > 0 ? max / 2 : FALLBACK);
    }

    /** @return the budget in bytes */
    public long bytes() {
        return bytes;
    }

    /**
     * Bytes of an array of the given shape.
     *
     * @param type element type
     * @param dims dimensions (their product is the element count)
     * @return element count × element size, saturating at {@link Long#MAX_VALUE}
     */
    public static long bytes(DataType type, long... dims) {
        long n = type.width();
        for (long d : dims) {
            if (d != 0 && n > Long.MAX_VALUE / Math.max(1, d)) {
                return Long.MAX_VALUE;
            }
            n *= d;
        }
        return n;
    }

    /**
     * Refuses a computation whose estimate exceeds this budget.
     *
     * @param what     what is being computed, for the message
     * @param needed   the estimate in bytes
     * @param howToFit what the user can change, for the message
     * @throws MemoryBudgetExceededException when {@code needed > bytes()}
     */
    public void check(String what, long needed, String howToFit) {
        if (needed > bytes) {
            throw new MemoryBudgetExceededException(what, needed, bytes, howToFit);
        }
    }

    /**
     * @param bytes a byte count
     * @return a short human-readable form, e.g. {@code "1.5 GiB"}
     */
    public static String human(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 8 EiB";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    @Override
    public String toString() {
        return "MemoryBudget[" + human(bytes) + "]";
    }
}
