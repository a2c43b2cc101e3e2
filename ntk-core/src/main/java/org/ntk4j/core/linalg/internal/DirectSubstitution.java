package org.ntk4j.core.linalg.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.function.IntToDoubleFunction;

/**
 * Forward and back substitution with a lower-triangular factor stored column-major ('f', offset 0, contiguous), read
 * in place through a direct NIO view of the ND4J buffer (no copy), column by column (contiguous access). For a few
 * right-hand sides this is memory-bound and much faster than a sequence of ND4J operations on views.
 */
public final class DirectSubstitution {
    private DirectSubstitution() {
    }

    /**
     * @param lower contiguous 'f'-ordered {@code [m, m]} lower-triangular factor (as returned by potrf)
     * @return whether {@link #solve} can read it in place
     */
    public static boolean supports(INDArray lower) {
        return lower.ordering() == 'f' && lower.offset() == 0 && lower.stride(0) == 1
                && lower.stride(1) == lower.size(0) && !lower.isView()
                && (lower.dataType() == DataType.DOUBLE || lower.dataType() == DataType.FLOAT);
    }

    /**
     * Solves {@code L Lᵀ X = B}.
     *
     * @param lower factor accepted by {@link #supports(INDArray)}
     * @param rhs   {@code [m, k]}
     * @return new {@code [m, k]} in the factor's data type, 'f' order
     */
    public static INDArray solve(INDArray lower, INDArray rhs) {
        int m = (int) lower.size(0);
        int k = (int) rhs.size(1);
        double[][] cols = new double[k][];
        for (int c = 0; c < k; c++) {
            cols[c] = rhs.getColumn(c).castTo(DataType.DOUBLE).toDoubleVector();
        }
        IntToDoubleFunction l;
        if (lower.dataType() == DataType.DOUBLE) {
            DoubleBuffer d = lower.data().asNioDouble();
            l = d::get;
        } else {
            FloatBuffer f = lower.data().asNioFloat();
            l = f::get;
        }
        for (double[] x : cols) {
            forward(l, m, x);
            backward(l, m, x);
        }
        INDArray out = Nd4j.create(lower.dataType(), new long[] {m, k}, 'f');
        for (int c = 0; c < k; c++) {
            out.putColumn(c, Nd4j.createFromArray(cols[c]).castTo(lower.dataType()).reshape(m, 1));
        }
        return out;
    }

    /**
     * Solves {@code L x = b} in place; {@code l} reads the column-major factor, element {@code (i, j)} at
     * {@code j·m + i}.
     */
    private static void forward(IntToDoubleFunction l, int m, double[] x) {
        for (int j = 0; j < m; j++) {
            int col = j * m;
            double xj = x[j] / l.applyAsDouble(col + j);
            x[j] = xj;
            if (xj != 0.0) {
                for (int i = j + 1; i < m; i++) {
                    x[i] -= l.applyAsDouble(col + i) * xj;
                }
            }
        }
    }

    /** Solves {@code Lᵀ x = b} in place. */
    private static void backward(IntToDoubleFunction l, int m, double[] x) {
        for (int j = m - 1; j >= 0; j--) {
            int col = j * m;
            double s = x[j];
            for (int i = j + 1; i < m; i++) {
                s -= l.applyAsDouble(col + i) * x[i];
            }
            x[j] = s / l.applyAsDouble(col + j);
        }
    }
}
