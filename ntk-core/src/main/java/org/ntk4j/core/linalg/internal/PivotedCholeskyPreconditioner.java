package org.ntk4j.core.linalg.internal;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealLinearOperator;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.ntk4j.core.linalg.KernelRows;

import java.util.SplittableRandom;

/**
 * The inverse of {@code P = F Fᵀ + μ I}, where {@code F [n, k]} is a randomly pivoted partial Cholesky factor of the
 * kernel (Chen, Epperly, Tropp, Webber 2022: each pivot drawn with probability proportional to the residual diagonal),
 * applied by the Woodbury identity {@code P⁻¹ v = (v − F (μI + FᵀF)⁻¹ Fᵀ v) / μ}. Reads {@code k} rows of the kernel;
 * {@code O(n k²)} work, {@code n·k} doubles.
 */
public final class PivotedCholeskyPreconditioner extends RealLinearOperator {
    private final int n;
    private final double[][] f;     // k columns of length n
    private final double mu;
    private final DecompositionSolver small;
    private final double residualTrace;
    private final double trace;

    /**
     * @param kernel   the kernel
     * @param rank     the largest rank k
     * @param lambda   the diagonal regulariser of the system (μ = λ when λ &gt; 0)
     * @param seed     pivot draws
     */
    public PivotedCholeskyPreconditioner(KernelRows kernel, int rank, double lambda, long seed) {
        this.n = Math.toIntExact(kernel.size());
        double[] d = new double[n];
        kernel.diagonal(d);
        double tr = 0;
        for (double x : d) {
            tr += Math.max(0, x);
        }
        this.trace = tr;
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] cols = new double[Math.min(rank, n)][];
        int got = 0;
        double rest = tr;
        while (got < cols.length && rest > 1e-13 * tr) {
            int s = sample(d, rest, rng);
            double[] g = new double[n];
            kernel.read(s, 1, g);
            for (int j = 0; j < got; j++) {
                double c = cols[j][s];
                if (c != 0) {
                    double[] fj = cols[j];
                    for (int i = 0; i < n; i++) {
                        g[i] -= fj[i] * c;
                    }
                }
            }
            double piv = g[s];
            if (!(piv > 1e-13 * tr / n)) {
                d[s] = 0; // numerically exhausted pivot
            } else {
                double inv = 1 / Math.sqrt(piv);
                for (int i = 0; i < n; i++) {
                    g[i] *= inv;
                    d[i] = Math.max(0, d[i] - g[i] * g[i]);
                }
                d[s] = 0;
                cols[got++] = g;
            }
            rest = 0;
            for (double x : d) {
                rest += x;
            }
        }
        this.f = java.util.Arrays.copyOf(cols, got);
        this.residualTrace = rest;
        this.mu = lambda > 0 ? lambda : Math.max(rest / Math.max(1, n), 1e-12 * tr / Math.max(1, n));
        RealMatrix s = MatrixUtils.createRealMatrix(Math.max(1, got), Math.max(1, got));
        for (int a = 0; a < got; a++) {
            for (int b = 0; b <= a; b++) {
                double v = dot(f[a], f[b]) + (a == b ? mu : 0);
                s.setEntry(a, b, v);
                s.setEntry(b, a, v);
            }
        }
        if (got == 0) {
            s.setEntry(0, 0, 1);
        }
        this.small = new CholeskyDecomposition(s, 1e-10, 0).getSolver();
    }

    private static int sample(double[] d, double total, SplittableRandom rng) {
        double u = rng.nextDouble() * total;
        double acc = 0;
        int last = 0;
        for (int i = 0; i < d.length; i++) {
            if (d[i] > 0) {
                acc += d[i];
                last = i;
                if (acc >= u) {
                    return i;
                }
            }
        }
        return last;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** @return the rank k reached (smaller than asked when the kernel is exhausted) */
    public int rank() {
        return f.length;
    }

    /** @return the trace of the kernel not captured by {@code F Fᵀ} (0 when the kernel has rank ≤ k) */
    public double residualTrace() {
        return residualTrace;
    }

    /** @return the kernel's trace */
    public double trace() {
        return trace;
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
        double[] v = x.toArray();
        int k = f.length;
        if (k > 0) {
            double[] w = new double[k];
            for (int a = 0; a < k; a++) {
                w[a] = dot(f[a], v);
            }
            double[] z = small.solve(new ArrayRealVector(w, false)).toArray();
            for (int a = 0; a < k; a++) {
                double[] fa = f[a];
                double za = z[a];
                for (int i = 0; i < n; i++) {
                    v[i] -= fa[i] * za;
                }
            }
        }
        double inv = 1 / mu;
        for (int i = 0; i < n; i++) {
            v[i] *= inv;
        }
        return new ArrayRealVector(v, false);
    }
}
