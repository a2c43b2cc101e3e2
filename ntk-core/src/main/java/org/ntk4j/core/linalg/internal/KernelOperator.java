package org.ntk4j.core.linalg.internal;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealLinearOperator;
import org.apache.commons.math3.linear.RealVector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.linalg.KernelRows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code (K + λI) v} in double precision for a symmetric {@code K} given by its lower triangle: row {@code i}
 * contributes {@code K[i, 0..i]·v[0..i]} to {@code y[i]} and {@code K[i, j] v[i]} to {@code y[j]} for {@code j < i}, so
 * each pass reads half of the kernel (half the pages of a mapped file) and uses every entry read twice. The rows are
 * split into {@value #PARTS} ranges of equal work, each with its own accumulator, run on a small pool of daemon
 * threads (one per available processor, at most {@value #MAX_THREADS}) and summed in a fixed order: the result does not
 * depend on the thread count or on scheduling. Counts the passes over the kernel.
 */
public final class KernelOperator extends RealLinearOperator {
    /** Row ranges of a pass (each with an accumulator of n doubles). */
    static final int PARTS = 16;
    private static final int MAX_THREADS = 8;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(
            Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors())), r -> {
                Thread t = new Thread(r, "ntk4j-kernel-product");
                t.setDaemon(true);
                return t;
            });

    private final KernelRows k;
    private final int n;
    private final double lambda;
    private final int[] bounds;
    private final double[][] acc;
    private long passes;

    /**
     * @param k            the kernel, {@code n < 2³¹}; read through {@link KernelRows#readRowPrefix} (thread-safe)
     * @param lambda       the diagonal shift λ ≥ 0
     * @param blockDoubles unused (kept for the callers' row-block setting; each task reads one row at a time)
     */
    public KernelOperator(KernelRows k, double lambda, long blockDoubles) {
        this.k = k;
        this.n = Math.toIntExact(k.size());
        this.lambda = lambda;
        int parts = Math.max(1, Math.min(PARTS, n));
        this.bounds = new int[parts + 1];
        // row i costs i + 1 entries: split the triangle into parts of equal area
        double total = (double) n * (n + 1) / 2;
        for (int p = 1; p < parts; p++) {
            bounds[p] = Math.max(bounds[p - 1], (int) Math.min(n, Math.round(Math.sqrt(2 * total * p / parts))));
        }
        bounds[parts] = n;
        this.acc = new double[parts][];
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
        int parts = bounds.length - 1;
        List<Future<?>> done = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int part = p;
            done.add(POOL.submit(() -> rows(part, v)));
        }
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during a kernel-vector product", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
            }
        }
        for (int i = 0; i < n; i++) {
            y[i] = lambda * v[i];
        }
        for (int p = 0; p < parts; p++) {
            double[] a = acc[p];
            int hi = bounds[p + 1];
            for (int i = 0; i < hi; i++) {
                y[i] += a[i];
            }
        }
        passes++;
    }

    /** Rows {@code bounds[p] .. bounds[p+1]-1}: their lower-triangle parts, into {@code acc[p]}. */
    private void rows(int p, double[] v) {
        int lo = bounds[p];
        int hi = bounds[p + 1];
        double[] a = acc[p];
        if (a == null || a.length < hi) {
            a = new double[hi];
            acc[p] = a;
        } else {
            java.util.Arrays.fill(a, 0, hi, 0.0);
        }
        double[] row = new double[Math.max(1, hi)];
        for (int i = lo; i < hi; i++) {
            k.readRowPrefix(i, i + 1, row);
            double vi = v[i];
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int j = 0;
            for (; j + 3 < i; j += 4) {
                double r0 = row[j], r1 = row[j + 1], r2 = row[j + 2], r3 = row[j + 3];
                s0 += r0 * v[j];
                s1 += r1 * v[j + 1];
                s2 += r2 * v[j + 2];
                s3 += r3 * v[j + 3];
                a[j] += r0 * vi;
                a[j + 1] += r1 * vi;
                a[j + 2] += r2 * vi;
                a[j + 3] += r3 * vi;
            }
            for (; j < i; j++) {
                s0 += row[j] * v[j];
                a[j] += row[j] * vi;
            }
            a[i] += (s0 + s1) + (s2 + s3) + row[i] * vi;
        }
    }

    /** @return how many times the whole kernel has been streamed */
    public long passes() {
        return passes;
    }

    /** Copies column {@code j} of {@code b} into {@code dst} as doubles. */
    public static void column(INDArray b, int j, double[] dst) {
        INDArray col = b.getColumn(j).castTo(DataType.DOUBLE).dup();
        for (int i = 0; i < dst.length; i++) {
            dst[i] = col.getDouble(i);
        }
    }

    /** @return the Euclidean norm of {@code v} */
    public static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
