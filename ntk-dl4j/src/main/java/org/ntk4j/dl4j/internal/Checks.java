package org.ntk4j.dl4j.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * The argument checks shared by the builders and feature checks of ntk-dl4j. Each throws an
 * {@link IllegalArgumentException} whose message names the argument and the value it got, in the form
 * {@code "<name> must ... (got: <value>)"}. Not API.
 */
public final class Checks {
    private Checks() {
    }

    /**
     * @param name  the argument's name, first word of the message
     * @param value the argument
     * @param <T>   its type
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<name> must not be null (got: null)"} when it is null
     */
    public static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null (got: null)");
        }
        return value;
    }

    /**
     * @param name  the argument's name
     * @param value the argument
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<name> must be > 0 (got: <value>)"} when it is not positive
     */
    public static int positive(String name, int value) {
        return (int) atLeast(name, value, "> 0");
    }

    /**
     * @param name  the argument's name
     * @param value the argument
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<name> must be > 0 (got: <value>)"} when it is not positive
     */
    public static long positive(String name, long value) {
        return atLeast(name, value, "> 0");
    }

    /**
     * The same check as {@link #positive(String, int)}, worded for counts.
     *
     * @param name  the argument's name
     * @param value the argument, a count
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<name> must be >= 1 (got: <value>)"} when it is below 1
     */
    public static int atLeastOne(String name, int value) {
        return (int) atLeast(name, value, ">= 1");
    }

    /** The one positive-integer check: {@code value >= 1}, the bound worded as {@code bound} in the message. */
    private static long atLeast(String name, long value, String bound) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be " + bound + " (got: " + value + ")");
        }
        return value;
    }

    /**
     * @param name  the argument's name
     * @param value the argument
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<name> must be finite and > 0 (got: <value>)"} otherwise
     */
    public static double positiveFinite(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0 (got: " + value + ")");
        }
        return value;
    }

    /**
     * @param name  the argument's name
     * @param value the argument
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<name> must be finite and >= 0 (got: <value>)"} otherwise
     */
    public static double nonNegativeFinite(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0 (got: " + value + ")");
        }
        return value;
    }

    /**
     * @param a an array of any shape (floating point; integer arrays are always finite)
     * @return true when no element is NaN or infinite
     */
    public static boolean finite(INDArray a) {
        if (!a.isEmpty() && a.ordering() == 'c' && org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(a)
                && a.length() < Integer.MAX_VALUE) {
            // one pass in Java over the array's memory (two ND4J reductions cost more than the kernel of small inputs)
            int off = (int) a.offset(), len = (int) a.length();
            if (a.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT) {
                java.nio.FloatBuffer f = a.data().asNioFloat();
                for (int i = off; i < off + len; i++) {
                    if (!Float.isFinite(f.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            if (a.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE) {
                java.nio.DoubleBuffer d = a.data().asNioDouble();
                for (int i = off; i < off + len; i++) {
                    if (!Double.isFinite(d.get(i))) {
                        return false;
                    }
                }
                return true;
            }
        }
        return !(BooleanIndexing.or(a, Conditions.isNan()) || BooleanIndexing.or(a, Conditions.isInfinite()));
    }
}
