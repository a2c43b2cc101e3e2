package org.ntk4j.dl4j.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The feature checks shared by the empirical NTK of DL4J networks and of SameDiff graphs: the {@code [n, …]} shape
 * formatting of messages, the shape check of one features array, the finiteness check. Each failure is an
 * {@link IllegalArgumentException} naming the argument, what was expected and what it got. Not API.
 *
 * <pre>{@code
 * Features.shape(new long[]{3, -1});                 // "[n, 3, ?]"
 * Features.check("x1", x, new long[]{3}, " for placeholder 'input'");
 * // "expected features [n, 3] for placeholder 'input', got [n, 4] for x1"
 * }</pre>
 */
public final class Features {
    private Features() {
    }

    /**
     * @param rest the shape without the example dimension; negative entries are unknown
     * @return {@code "[n, d1, d2, …]"}, unknown entries as {@code ?}
     */
    public static String shape(long[] rest) {
        StringBuilder sb = new StringBuilder("[n");
        for (long d : rest) {
            sb.append(", ").append(d < 0 ? "?" : String.valueOf(d));
        }
        return sb.append(']').toString();
    }

    /**
     * @param x an array with the examples along dimension 0 (rank ≥ 1)
     * @return its shape in the {@code [n, …]} form
     */
    public static String shapeOf(INDArray x) {
        return shape(Arrays.copyOfRange(x.shape(), 1, x.rank()));
    }

    /**
     * @param name     the argument's name ("x1", "x2[0]", …)
     * @param x        the features, any number of examples (0 included)
     * @param expected the shape without the example dimension ({@code -1}: any)
     * @param where    text after the expected shape naming what it belongs to (e.g. {@code " for placeholder 'in'"}),
     *                 or empty
     * @return {@code x}
     * @throws IllegalArgumentException when {@code x} is null, of another shape, or holds NaN or infinite values
     */
    public static INDArray check(String name, INDArray x, long[] expected, String where) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must not be null: expected features " + shape(expected) + where);
        }
        boolean ok = x.rank() == expected.length + 1;
        for (int d = 0; ok && d < expected.length; d++) {
            ok = expected[d] < 0 || x.size(d + 1) == expected[d];
        }
        if (!ok) {
            throw new IllegalArgumentException("expected features " + shape(expected) + where + ", got "
                    + (x.rank() == 0 ? Arrays.toString(x.shape()) : shapeOf(x)) + " for " + name);
        }
        return requireFinite(name, x);
    }

    /**
     * @param name the argument's name
     * @param x    features (integer arrays are always finite)
     * @return {@code x}
     * @throws IllegalArgumentException {@code "<name> contains NaN or infinite values; clean or impute the features
     *                                  first"}
     */
    public static INDArray requireFinite(String name, INDArray x) {
        if (x.dataType().isFPType() && !Checks.finite(x)) {
            throw new IllegalArgumentException(name + " contains NaN or infinite values; clean or impute the features"
                    + " first");
        }
        return x;
    }
}
