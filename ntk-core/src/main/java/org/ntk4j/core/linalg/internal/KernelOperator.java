package org.ntk4j.core.linalg.internal;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealLinearOperator;
import org.apache.commons.math3.linear.RealVector;
import org.ntk4j.core.linalg.KernelRows;

/**
 * {@code (K + λI) v} in double precision, streaming {@code K} by blocks of rows from a {@link KernelRows} into one
 * reused buffer (about {@code blockDoubles} doubles); counts the passes over the kernel.
 */
public final class KernelOperator extends RealLinearOperator {
    private final KernelRows k;
    private final int n;
    private final double lambda;
    private final int blockRows;
    private final double[] block;
    private long passes;

    /**
     * @param k            the kernel, {@code n < 2³¹}
     * @param lambda       the diagonal shift λ ≥ 0
     * @param blockDoubles the buffer size in doubles (at least one row is used)
     */
    public KernelOperator(KernelRows k, double lambda, long blockDoubles) {
        this.k = k;
        this.n = Math.toIntExact(k.size());
        this.lambda = lambda;
        this.blockRows = (int) Math.max(1, Math.min(n, blockDoubles / Math.max(1, n)));
        this.block = new double[Math.multiplyExact(blockRows, Math.max(1, n))];
    }

    @Override
    public int getRowDimension() {
        return n;
    }

    @Override
    public int getColumnDimension() {
        return n;
    }

    @Override
    public RealVector operate(RealVector x) {
        double[] v = x instanceof ArrayRealVector a ? a.getDataRef() : x.toArray();
        double[] y = new double[n];
        multiply(v, y);
        return new ArrayRealVector(y, false);
    }

    /**
     * @param v the vector, {@code n} doubles
     * @param y receives {@code (K + λI) v}
     */
    public void multiply(double[] v, double[] y) {
        for (int first = 0; first < n; first += blockRows) {
            int rows = Math.min(blockRows, n - first);
            k.read(first, rows, block);
            for (int r = 0; r < rows; r++) {
                y[first + r] = dot(block, r * n, v, n) + lambda * v[first + r];
            }
        }
        passes++;
    }

    /** @return how many times the whole kernel has been streamed */
    public long passes() {
        return passes;
    }

    private static double dot(double[] a, int off, double[] b, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[off + j] * b[j];
            s1 += a[off + j + 1] * b[j + 1];
            s2 += a[off + j + 2] * b[j + 2];
            s3 += a[off + j + 3] * b[j + 3];
        }
        for (; j < n; j++) {
            s0 += a[off + j] * b[j];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
