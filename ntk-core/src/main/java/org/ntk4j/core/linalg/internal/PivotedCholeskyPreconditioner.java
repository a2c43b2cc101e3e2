package org.ntk4j.core.linalg.internal;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealLinearOperator;
import org.apache.commons.math3.linear.RealVector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.core.linalg.KernelRows;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The inverse of {@code P = F Fᵀ + D + μI}, where {@code F [n, k]} is a block randomly pivoted partial Cholesky factor
 * of the kernel (Chen, Epperly, Tropp, Webber 2022: pivots drawn with probability proportional to the residual
 * diagonal, here {@value #BLOCK} at a time, the block's own Schur complement factored with greedy pivoting so that
 * nearly dependent draws are dropped) and {@code D = diag(K − F Fᵀ)} its residual diagonal. Applied by the Woodbury
 * identity in double, {@code P⁻¹v = u − D'⁻¹ F S⁻¹ Fᵀ u} with {@code D' = D + μI}, {@code u = D'⁻¹ v} and
 * {@code S = I + Fᵀ D'⁻¹ F = L Lᵀ} (eigenvalues ≥ 1, so its Cholesky factor is well conditioned whatever μ); each
 * application is two matrix–vector products with {@code F} and two triangular solves with {@code L}.
 *
 * <p><b>Adaptive rank.</b> The factor grows block by block until its rank reaches the cap, the kernel is exhausted,
 * the residual trace {@code tr(K − F Fᵀ)} falls to {@code 2μ} (condition number then at most 9), or the last block's
 * {@code ν = λ_max(Cᵀ D'⁻¹ C)} falls to a threshold, where {@code C [n, m]} are the block's new columns and
 * {@code D'} the residual diagonal before it: {@code C Cᵀ} is the part of the residual {@code E = K − F Fᵀ} that the
 * block removed, and {@code ν ≤ λ_max(D'^-½ E D'^-½)}, the quantity that bounds the preconditioned spectrum from above.
 * A small ν says that random pivots no longer find residual directions much larger than the residual diagonal (which
 * {@code D} already preconditions).
 *
 * <p>Cost: {@code k} kernel rows read; {@code ≈ 2 n k²} multiply–adds in ND4J GEMMs ({@code n k²/2} for the
 * residual columns, {@code n k²/2} for the lower triangle of {@code S}, {@code k³/6} for its {@code potrf}); memory
 * {@code n·k + k²} doubles ({@code F} is held in slabs of 1024 columns, allocated as the rank grows, so a rank that
 * stops early holds what it reached, not the cap) plus one block of {@value #BLOCK} rows; the peak is
 * {@link #peakBytes}. Each application: {@code O(n k + k²)}.
 */
public final class PivotedCholeskyPreconditioner extends RealLinearOperator {
    /** Pivots drawn per block. */
    public static final int BLOCK = 128;
    private static final Logger LOG = LoggerFactory.getLogger(PivotedCholeskyPreconditioner.class);
    private static final long CHUNK_ROWS = 1024;
    private static final int PANEL = 1024;

    private final int n;
    private final int k;
    private final FactorColumns f;   // F [n, k] DOUBLE, in column slabs allocated as the rank grows
    private final INDArray lower;    // [k, k] DOUBLE 'f': S = I + Fᵀ D'⁻¹ F = L Lᵀ
    private final double[] dinvArr;  // 1 / (residual diagonal + μ)
    private final double residualTrace;
    private final double trace;
    private final double lastNu;
    private final String stop;
    private final double buildSeconds;
    private final long rowsRead;

    /**
     * @param kernel the kernel
     * @param rank   the largest rank k (capped at n)
     * @param lambda the diagonal regulariser of the system (μ = λ when λ &gt; 0)
     * @param seed   pivot draws
     * @param stopNu adaptive stop: growth ends after a block whose captured part, relative to the residual diagonal,
     *               has largest eigenvalue {@code ν = λ_max(Cᵀ D'⁻¹ C) ≤ stopNu} (0: grow to the cap)
     */
    public PivotedCholeskyPreconditioner(KernelRows kernel, int rank, double lambda, long seed, double stopNu) {
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
        FactorColumns fAll = new FactorColumns(n, cap);
        double[] row = new double[n];
        double[] cum = new double[n];
        int got = 0;
        long read = 0;
        double rest = tr;
        double stopTrace = lambda > 0 ? 2 * lambda : 0;
        double nu = Double.NaN;
        double mu0 = lambda > 0 ? lambda : 1e-12 * tr / Math.max(1, n);
        String why = "rank cap";
        while (true) {
            if (got >= cap) {
                why = got == n ? "rank n" : "rank cap";
                break;
            }
            if (rest <= 1e-13 * tr) {
                why = "kernel exhausted";
                break;
            }
            if (rest <= stopTrace) {
                why = "residual trace <= 2 diagReg";
                break;
            }
            if (stopNu > 0 && nu <= stopNu) {
                why = "block nu <= " + stopNu;
                break;
            }
            int[] s = sample(d, cum, Math.min(BLOCK, cap - got), rng);
            int b = s.length;
            double[] rows = new double[b * n];
            for (int i = 0; i < b; i++) {
                kernel.read(s[i], 1, row);
                System.arraycopy(row, 0, rows, i * n, n);
            }
            read += b;
            INDArray g = Nd4j.create(rows, new long[]{b, n}, 'c').transpose().dup('f');     // [n, b]: K[:, s]
            fAll.subtractProjection(g, s);                                                   // residual columns
            double[][] gs = new double[b][b];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < b; j++) {
                    gs[i][j] = g.getDouble(s[i], j);
                }
            }
            int[] piv = new int[b];
            double[][] l = SmallCholesky.pivoted(gs, 1e-12 * Math.max(tr / n, Double.MIN_NORMAL), piv);
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
                INDArray c = gp.mmul(SmallCholesky.lowerInverse(l).transpose());                 // [n, m] = G_p L⁻ᵀ
                fAll.append(c);
                double[] dp = new double[n];
                for (int i = 0; i < n; i++) {
                    dp[i] = 1 / (d[i] + mu0);
                }
                nu = blockNu(c, dp);
                double[] sq = c.mul(c).sum(1).toDoubleVector();
                for (int i = 0; i < n; i++) {
                    d[i] = Math.max(0, d[i] - sq[i]);
                }
                for (int j = 0; j < m; j++) {
                    d[s[piv[j]]] = 0;
                }
                got += m;
                gp.close();
                c.close();
            }
            g.close();
            rest = 0;
            for (double x : d) {
                rest += x;
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug(String.format(Locale.ROOT, "pivoted Cholesky: rank %d, block nu %.4f, residual trace / n %.4g, "
                        + "%.1f s", got, nu, rest / n, (System.nanoTime() - t0) / 1e9));
            }
        }
        this.k = got;
        this.stop = why;
        this.lastNu = nu;
        this.f = fAll;
        this.residualTrace = rest;
        this.rowsRead = read;
        double mu = lambda > 0 ? lambda : Math.max(rest / Math.max(1, n), 1e-12 * tr / Math.max(1, n));
        this.dinvArr = new double[n];
        for (int i = 0; i < n; i++) {
            dinvArr[i] = 1 / (d[i] + mu);
        }
        this.lower = got == 0 ? null : woodburyFactor(f, dinvArr, n, got);
        this.buildSeconds = (System.nanoTime() - t0) / 1e9;
    }

    /** {@code λ_max(Cᵀ diag(dp) C)} of a block's new columns {@code C [n, m]}. */
    private static double blockNu(INDArray c, double[] dp) {
        INDArray w = c.mulColumnVector(Nd4j.createFromArray(dp).reshape(dp.length, 1));
        INDArray g = c.transpose().mmul(w);
        g = g.add(g.transpose()).muli(0.5);
        return org.ntk4j.core.linalg.SymmetricEigen.eigenvalues(g).maxNumber().doubleValue();
    }

    /**
     * The Cholesky factor of {@code S = I + Fᵀ D'⁻¹ F} ({@code [k, k]}, 'f'): the lower triangle accumulated by
     * GEMMs of F's slabs over row chunks ({@link FactorColumns#weightedGramLower}, half the multiply–adds of the full
     * product), then LAPACK {@code potrf} in place.
     */
    private static INDArray woodburyFactor(FactorColumns f, double[] dinv, int n, int k) {
        INDArray s = f.weightedGramLower(dinv, (int) Math.min(n, CHUNK_ROWS));
        for (int i = 0; i < k; i++) {
            s.putScalar(i, i, s.getDouble(i, i) + 1);
        }
        Nd4j.getBlasWrapper().lapack().potrf(s, true);
        return s;
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
     * The rank cap of a solve: {@code min(rank, n)}, or {@link #rankFor} the budget when {@code rank} is 0.
     *
     * @return the cap
     * @throws MemoryBudgetExceededException when an explicit rank's {@link #peakBytes} exceeds the budget
     */
    public static int cap(long n, int rank, long budget) {
        if (rank == 0) {
            return rankFor(n, budget);
        }
        int cap = (int) Math.min(rank, n);
        long need = peakBytes(n, cap);
        if (need > budget) {
            throw new MemoryBudgetExceededException("the iterative solver's preconditioner of rank " + cap + " on " + n
                    + " rows", need, budget, "lower preconditionerRank to " + rankFor(n, budget) + " (the largest "
                    + "that fits), leave it unset (the largest that fits is chosen), or raise the memory budget");
        }
        return cap;
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

    /** @return bytes held: the slabs of {@code F [n, k]}, the Woodbury factor {@code [k, k]} and the diagonal */
    public long bytes() {
        return f.bytes() + 8L * k * k + 8L * n;
    }

    /**
     * The most memory a preconditioner of rank {@code k} on {@code n} examples allocates at any one time, for a
     * budget checked before building: the slabs of {@code F}, then either one block's kernel rows and columns
     * (while growing) or the Woodbury factor {@code [k, k]} with its panel's accumulators ({@code ≤ k × 1024}) and
     * the scaled row chunk ({@code 1024 × 1024}), bounded here by {@code 3 · 1024 · k} doubles (while factoring),
     * and the length-n vectors.
     *
     * @return bytes
     */
    public static long peakBytes(long n, long k) {
        long growing = 8L * 4 * Math.min(BLOCK, k) * n;
        long factoring = 8L * (k * k + (2 * CHUNK_ROWS + PANEL) * k);
        return FactorColumns.bytes(n, k) + Math.max(growing, factoring) + 8L * 6 * n;
    }

    /**
     * The largest rank whose {@link #peakBytes} fits {@code budget}, a multiple of {@value #BLOCK} (at least
     * {@value #BLOCK} whatever the budget: one block is {@code 8·128·n} bytes) and at most {@code n}.
     *
     * @return the rank
     */
    public static int rankFor(long n, long budget) {
        // n first, then the multiples of BLOCK below it
        for (long k = n; k > BLOCK; k = (k - 1) / BLOCK * BLOCK) {
            if (peakBytes(n, k) <= budget) {
                return (int) k;
            }
        }
        return (int) Math.min(n, BLOCK);
    }

    /** @return why the growth stopped (rank cap, rank n, kernel exhausted, residual trace, block ν) */
    public String stopReason() {
        return stop;
    }

    /** @return ν of the last block added (NaN when none) */
    public double lastBlockNu() {
        return lastNu;
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
            INDArray z = DirectSubstitution.solve(lower, f.transposeTimes(u));        // S⁻¹ Fᵀ u
            double[] t = f.times(z).toDoubleVector();
            for (int i = 0; i < n; i++) {
                v[i] -= dinvArr[i] * t[i];
            }
        }
        return new ArrayRealVector(v, false);
    }
}
