package org.ntk4j.core.predict.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.linalg.Matrices;

import java.util.Arrays;

/** Shape checks and the [n, o] ↔ [n·o, 1] (example-major) conversions of the predictors. */
public final class Shapes {
    private Shapes() {
    }

    /** Requires {@code [n, o]} (a vector [n] is read as [n, 1]) and returns it as a matrix in {@code type}. */
    public static INDArray outputs(INDArray a, String what, DataType type) {
        if (a == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        Matrices.requireFloatingType(a, what);
        if (a.rank() == 1) {
            return a.reshape(a.size(0), 1).castTo(type);
        }
        if (a.rank() != 2) {
            throw new IllegalArgumentException("expected " + what + " [n, o], got " + Arrays.toString(a.shape()));
        }
        return a.castTo(type);
    }

    /** Requires training targets {@code [n, o]} with at least one example and one output, in {@code type}. */
    public static INDArray trainingTargets(INDArray targets, DataType type) {
        INDArray y = outputs(targets, "training targets", type);
        if (y.size(0) == 0 || y.size(1) == 0) {
            throw new IllegalArgumentException("training targets must have at least one example and one output, got "
                    + Arrays.toString(y.shape()));
        }
        return y;
    }

    /**
     * Outputs {@code [n, o]} in {@code type}, zeros when {@code a} is {@code null}.
     *
     * @param what      name of {@code a} in the message of {@link #outputs}
     * @param shapeWhat name of {@code a} in the message of {@link #requireShape}
     */
    public static INDArray outputsOrZeros(INDArray a, String what, long n, long o, String shapeWhat, DataType type) {
        INDArray f = a == null ? Nd4j.zeros(type, n, o) : outputs(a, what, type);
        requireShape(f, n, o, shapeWhat);
        return f;
    }

    /** Requires {@code [n, o]} exactly. */
    public static void requireShape(INDArray a, long n, long o, String what) {
        if (a.size(0) != n || a.size(1) != o) {
            throw new IllegalArgumentException("expected " + what + " [" + n + ", " + o + "], got "
                    + Arrays.toString(a.shape()));
        }
    }

    /** Requires a flat kernel {@code [rows, cols]}. */
    public static INDArray kernel(INDArray k, long n1, long n2, long o, String what, DataType type) {
        if (k == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        Matrices.requireFloatingMatrix(k, what);
        if (k.size(0) != n1 * o || k.size(1) != n2 * o) {
            throw new IllegalArgumentException(what + " must be the flat kernel [" + n1 * o + ", " + n2 * o + "] for "
                    + n1 + " × " + n2 + " examples and " + o + " outputs, got " + Arrays.toString(k.shape())
                    + " (flatten a FULL [n1, n2, o, o] kernel with KernelLayout.flatten)");
        }
        return k.castTo(type);
    }

    /** [n, o] → [n·o, 1], example-major. */
    public static INDArray column(INDArray a) {
        return a.dup('c').reshape('c', a.size(0) * a.size(1), 1);
    }

    /** [n·o, 1] → [n, o]. */
    public static INDArray rows(INDArray col, long n, long o) {
        return col.dup('c').reshape('c', n, o);
    }

    /** Requires a finite, non-negative time. */
    public static void requireTime(double t) {
        if (!(t >= 0.0)) {
            throw new IllegalArgumentException("time must be >= 0 (got: " + t + ")");
        }
    }
}
