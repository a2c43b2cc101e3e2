package org.ntk4j.core.linalg.internal;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealLinearOperator;
import org.apache.commons.math3.linear.RealVector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.linalg.CholeskyFactor;
import org.ntk4j.core.linalg.KernelRows;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The inverse of {@code P = F Fᵀ + D + μI}, where {@code F [n, k]} is a block randomly pivoted partial Cholesky factor
 * of the kernel (Chen, Epperly, Tropp, Webber 2022: pivots drawn with probability proportional to the residual
 * diagonal, here {@value #BLOCK} at a time, the block's own Schur complement factored with greedy pivoting so that
 * nearly dependent draws are dropped) and {@code D = diag(K − F Fᵀ)} its residual diagonal. Applied by the Woodbury
 * identity in double, {@code P⁻¹v = u − D'⁻¹ F (I + Fᵀ D'⁻¹ F)⁻¹ Fᵀ u} with {@code D' = D + μI}, {@code u = D'⁻¹ v};
 * the {@code k × k} matrix {@code S = L Lᵀ} has eigenvalues ≥ 1, so its Cholesky factor is well conditioned from below
 * whatever μ; {@code F} is replaced by {@code M = F L⁻ᵀ} once, so each application is {@code u − D'⁻¹ M Mᵀ u}.
 *
 * <p><b>Adaptive rank.</b> The factor grows block by block until its rank reaches the cap, the kernel is exhausted, or
 * the residual trace {@code tr(K − F Fᵀ)} falls to {@code 2μ}: then the preconditioned system's condition number is at
 * most {@code (1 + tr/μ)² ≤ 9} and CG converges in tens of iterations at most.
 *
 * <p>Cost: {@code k} kernel rows read, {@code O(n k²)} work in ND4J GEMMs (building and the Woodbury matrix);
 * memory {@code n·k} doubles (plus {@code k × k} temporaries while building and one block of {@value #BLOCK}
 * rows). Each application: two matrix–vector products with {@code M}, {@code O(n k)}.
 */
public final class PivotedCholeskyPreconditioner extends RealLinearOperator {
    /** Pivots drawn per block. */
    public static final int BLOCK = 128;
    private static final long CHUNK_ROWS = 8192;

    private final int n;
    private final int k;
    private final INDArray f;        // [n, k] DOUBLE: F while building, then M = F L⁻ᵀ
    private final INDArray dinv;     // [n, 1] 1 / (residual diagonal + μ)
    private final double[] dinvArr;
    private final double residualTrace;
    private final double trace;
    private final double mu;
    private final double buildSeconds;
    private final long rowsRead;

    /**
     * @param kernel the kernel
     * @param rank   the largest rank k (capped at n)
     * @param lambda the diagonal regulariser of the system (μ = λ when λ &gt; 0)
     * @param seed   pivot draws
     */
    public PivotedCholeskyPreconditioner(KernelRows kernel, int rank, double lambda, long seed) {
        long t0 = System.nanoTime();
        this.n = Math.toIntExact(kernel.size());
        double[] d = new double[n];
        kernel.diagonal(d);
        double tr = 0;
        for (int i = 0; i < n; i++) {
            d[i] = Math.max(0, d[i]);
            tr += d[i];
        }
        this.trace = tr;
        int cap = Math.min(rank, n);
        SplittableRandom rng = new SplittableRandom(seed);
        INDArray fAll = Nd4j.create(DataType.DOUBLE, new long[]{n, Math.max(1, cap)}, 'f');
        double[] row = new double[n];
        double[] cum = new double[n];
        int got = 0;
        long read = 0;
        double rest = tr;
        double stop = lambda > 0 ? 2 * lambda : 0;
        while (got < cap && rest > 1e-13 * tr && rest > stop) {
            int[] s = sample(d, cum, Math.min(BLOCK, cap - got), rng);
            int b = s.length;
            double[] rows = new double[b * n];
            for (int i = 0; i < b; i++) {
                kernel.read(s[i], 1, row);
                System.arraycopy(row, 0, rows, i * n, n);
            }
            read += b;
            INDArray g = Nd4j.create(rows, new long[]{b, n}, 'c').transpose();     // [n, b]: K[:, s]
            if (got > 0) {
                INDArray fk = fAll.get(NDArrayIndex.all(), NDArrayIndex.interval(0, got));
                INDArray fs = Nd4j.create(DataType.DOUBLE, b, got);
                for (int i = 0; i < b; i++) {
                    fs.getRow(i).assign(fk.getRow(s[i]));
                }
                g = g.sub(fk.mmul(fs.transpose()));                                 // residual columns
            } else {
                g = g.dup('f');
            }
            double[][] gs = new double[b][b];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < b; j++) {
                    gs[i][j] = g.getDouble(s[i], j);
                }
            }
            int[] piv = new int[b];
            double[][] l = pivotedCholesky(gs, 1e-12 * Math.max(tr / n, Double.MIN_NORMAL), piv);
            int m = l.length;
            if (m == 0) {
                for (int i : s) {
                    d[i] = 0;         // numerically exhausted pivots
                }
            } else {
                INDArray gp = Nd4j.create(DataType.DOUBLE, new long[]{n, m}, 'f');
                for (int j = 0; j < m; j++) {
                    gp.getColumn(j).assign(g.getColumn(piv[j]));
                }
                INDArray c = gp.mmul(lowerInverse(l).transpose());                 // [n, m] = G_p L⁻ᵀ
                fAll.get(NDArrayIndex.all(), NDArrayIndex.interval(got, got + m)).assign(c);
                double[] sq = c.mul(c).sum(1).toDoubleVector();
                for (int i = 0; i < n; i++) {
                    d[i] = Math.max(0, d[i] - sq[i]);
                }
                for (int j = 0; j < m; j++) {
                    d[s[piv[j]]] = 0;
                }
                got += m;
            }
            rest = 0;
            for (double x : d) {
                rest += x;
            }
        }
        this.k = got;
        this.f = got == 0 ? null : got == cap ? fAll : fAll.get(NDArrayIndex.all(), NDArrayIndex.interval(0, got)).dup('f');
        this.residualTrace = rest;
        this.rowsRead = read;
        this.mu = lambda > 0 ? lambda : Math.max(rest / Math.max(1, n), 1e-12 * tr / Math.max(1, n));
        this.dinvArr = new double[n];
        for (int i = 0; i < n; i++) {
            dinvArr[i] = 1 / (d[i] + mu);
        }
        this.dinv = Nd4j.create(dinvArr, new long[]{n, 1}, 'c');
        if (got > 0) {
            INDArray s = Nd4j.eye(got).castTo(DataType.DOUBLE);
            for (long r0 = 0; r0 < n; r0 += CHUNK_ROWS) {
                long r1 = Math.min(n, r0 + CHUNK_ROWS);
                INDArray fc = f.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
                INDArray dc = dinv.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
                s.addi(fc.transpose().mmul(fc.mulColumnVector(dc)));
            }
            s = s.add(s.transpose()).muli(0.5);
            // S = L Lᵀ; M = F L⁻ᵀ in place of F, so that F S⁻¹ Fᵀ = M Mᵀ: two products per application, no solves
            INDArray lower = CholeskyFactor.of(s).lower();
            INDArray lt = BlockedTriangularSolver.solveLower(lower, Nd4j.eye(got).castTo(DataType.DOUBLE))
                    .transpose().dup('f');                                           // L⁻ᵀ (blocked, GEMM-based)
            for (long r0 = 0; r0 < n; r0 += CHUNK_ROWS) {
                long r1 = Math.min(n, r0 + CHUNK_ROWS);
                INDArray fc = f.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
                fc.assign(fc.mmul(lt));
            }
        }
        this.buildSeconds = (System.nanoTime() - t0) / 1e9;
    }

    /** Up to {@code want} distinct indices drawn with probability ∝ {@code d} (with replacement, then deduplicated). */
    private static int[] sample(double[] d, double[] cum, int want, SplittableRandom rng) {
        double acc = 0;
        for (int i = 0; i < d.length; i++) {
            acc += d[i];
            cum[i] = acc;
        }
        int[] out = new int[want];
        int m = 0;
        java.util.BitSet seen = new java.util.BitSet(d.length);
        for (int t = 0; t < want; t++) {
            double u = rng.nextDouble() * acc;
            int i = Arrays.binarySearch(cum, u);
            i = i < 0 ? -i - 1 : i;
            i = Math.min(i, d.length - 1);
            while (i > 0 && d[i] == 0) {
                i--;                      // a zero-width interval: take its positive neighbour
            }
            if (d[i] > 0 && !seen.get(i)) {
                seen.set(i);
                out[m++] = i;
            }
        }
        return Arrays.copyOf(out, m);
    }

    /**
     * Greedy pivoted Cholesky of a small PSD matrix: rows of {@code L} for the accepted pivots, in pivot order.
     *
     * @param a   the matrix (overwritten)
     * @param eps smallest accepted pivot
     * @param piv receives the accepted pivots' indices
     * @return {@code L [m, m]}, lower triangular, with {@code a[piv][piv] = L Lᵀ}
     */
    static double[][] pivotedCholesky(double[][] a, double eps, int[] piv) {
        int b = a.length;
        double[] diag = new double[b];
        for (int i = 0; i < b; i++) {
            diag[i] = a[i][i];
        }
        double[][] cols = new double[b][];      // column j of L over all b indices
        int m = 0;
        boolean[] used = new boolean[b];
        while (m < b) {
            int j = -1;
            double best = eps;
            for (int i = 0; i < b; i++) {
                if (!used[i] && diag[i] > best) {
                    best = diag[i];
                    j = i;
                }
            }
            if (j < 0) {
                break;
            }
            double[] col = new double[b];
            double inv = 1 / Math.sqrt(diag[j]);
            for (int i = 0; i < b; i++) {
                double v = a[i][j];
                for (int t = 0; t < m; t++) {
                    v -= cols[t][i] * cols[t][j];
                }
                col[i] = v * inv;
            }
            used[j] = true;
            for (int i = 0; i < b; i++) {
                diag[i] = used[i] ? 0 : diag[i] - col[i] * col[i];
            }
            piv[m] = j;
            cols[m++] = col;
        }
        double[][] l = new double[m][m];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c <= r; c++) {
                l[r][c] = cols[c][piv[r]];
            }
        }
        return l;
    }

    /** The inverse of a lower-triangular matrix, as an ND4J DOUBLE array. */
    private static INDArray lowerInverse(double[][] l) {
        int m = l.length;
        double[][] inv = new double[m][m];
        for (int c = 0; c < m; c++) {
            inv[c][c] = 1 / l[c][c];
            for (int r = c + 1; r < m; r++) {
                double s = 0;
                for (int t = c; t < r; t++) {
                    s += l[r][t] * inv[t][c];
                }
                inv[r][c] = -s / l[r][r];
            }
        }
        return Nd4j.createFromArray(inv);
    }

    /** @return the rank k reached (smaller than asked when the kernel is exhausted or the residual is small) */
    public int rank() {
        return k;
    }

    /** @return the trace of the kernel not captured by {@code F Fᵀ} (0 when the kernel has rank ≤ k) */
    public double residualTrace() {
        return residualTrace;
    }

    /** @return the kernel's trace */
    public double trace() {
        return trace;
    }

    /** @return seconds spent building the preconditioner */
    public double buildSeconds() {
        return buildSeconds;
    }

    /** @return kernel rows read while building */
    public long rowsRead() {
        return rowsRead;
    }

    /** @return bytes held: {@code M [n, k]} and the diagonal (the {@code k × k} temporaries are freed) */
    public long bytes() {
        return 8L * n * k + 16L * n;
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
        for (int i = 0; i < n; i++) {
            v[i] *= dinvArr[i];
        }
        if (k > 0) {
            INDArray u = Nd4j.create(v, new long[]{n, 1}, 'c');
            double[] t = f.mmul(f.transpose().mmul(u)).toDoubleVector();
            for (int i = 0; i < n; i++) {
                v[i] -= dinvArr[i] * t[i];
            }
        }
        return new ArrayRealVector(v, false);
    }
}
