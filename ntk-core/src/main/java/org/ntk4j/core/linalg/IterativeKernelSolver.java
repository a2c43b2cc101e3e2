package org.ntk4j.core.linalg;

import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.ConjugateGradient;
import org.apache.commons.math3.linear.NonPositiveDefiniteOperatorException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.linalg.internal.KernelOperator;
import org.ntk4j.core.linalg.internal.PivotedCholeskyPreconditioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Locale;

/**
 * Solves {@code (K + λI) α = b} for a symmetric PSD kernel {@code K [n, n]} without factorizing it: preconditioned
 * conjugate gradients (Commons Math's {@link ConjugateGradient}) on kernel–vector products that stream the lower
 * triangle of the kernel (the matrix is read as symmetric) row by row from a {@link KernelRows} (in memory or a
 * memory-mapped {@code .npy} file), in parallel, with the preconditioner
 * {@code P = F Fᵀ + D + λI} of a block randomly pivoted partial Cholesky factor {@code F [n, k]} and its residual
 * diagonal {@code D = diag(K − F Fᵀ)}, applied by the Woodbury identity in double. The rank grows in blocks of 128
 * pivots up to a cap and stops early when the residual trace falls to {@code 2λ} (condition number then at most 9)
 * or when a block's ν falls to {@link Builder#adaptiveStop} (default {@value #DEFAULT_STOP_NU}). The cap is
 * {@link Builder#preconditionerRank} when given; by default it is the largest rank whose preconditioner fits
 * {@link Builder#memoryBudgetBytes} (default: {@link MemoryBudget#defaultBudget()}), at most n: a larger budget buys a
 * larger rank and fewer iterations. Memory: {@code n·k} doubles for {@code F} (allocated as the rank grows),
 * {@code k²} for the Woodbury factor, {@code 17 n} for the product's accumulators — never {@code n²}; an explicit rank
 * whose peak exceeds the budget is refused with the estimate. What the preconditioner cost is in
 * {@link #preconditionerInfo()}.
 *
 * <p><b>Precision.</b> Everything runs in double precision whatever the kernel's storage type: a FLOAT kernel's entries
 * are read as doubles, so the solution is that of the stored (FLOAT-rounded) kernel to double accuracy. After the
 * iteration the residual is recomputed with a fresh product; when it exceeds the tolerance (rounding drift of the
 * recursive residual) CG restarts from the current solution, at most three times.
 *
 * <p><b>Refusals.</b> With {@code λ = 0} a singular kernel has no unique solution: when the pivoted Cholesky
 * exhausts the kernel before rank n, or CG meets a non-positive curvature, or does not converge, the solve throws a
 * {@link NotPositiveDefiniteException} that suggests a {@code diagReg}. With {@code λ > 0} non-convergence within
 * {@code maxIterations} throws {@link IllegalStateException} naming the residual reached.
 *
 * <pre>{@code
 * IterativeSolution s = IterativeKernelSolver.builder(KernelRows.mapped(Path.of("theta.npy")))
 *         .diagReg(1.0).tolerance(1e-6).build()
 *         .solve(rhs);                          // rhs [n, c] → s.solution() [n, c] DOUBLE
 * }</pre>
 */
public final class IterativeKernelSolver {
    private static final Logger LOG = LoggerFactory.getLogger(IterativeKernelSolver.class);
    private static final int RESTARTS = 3;
    /** {@link Builder#preconditionerRank} meaning "the largest rank the memory budget holds" (the default). */
    public static final int AUTO_RANK = 0;
    /** Default threshold of the adaptive stop (see {@link Builder#adaptiveStop}). */
    public static final double DEFAULT_STOP_NU = 2;

    private final KernelRows kernel;
    private final double diagReg;
    private final double tolerance;
    private final int rank;
    private final int maxIterations;
    private final long seed;
    private final long blockDoubles;
    private final double stopNu;
    private final long budgetBytes;
    private PivotedCholeskyPreconditioner preconditioner;

    private IterativeKernelSolver(Builder b) {
        this.kernel = b.kernel;
        this.diagReg = b.diagReg;
        this.tolerance = b.tolerance;
        this.rank = b.rank;
        this.maxIterations = b.maxIterations;
        this.seed = b.seed;
        this.blockDoubles = b.blockDoubles;
        this.stopNu = b.stopNu;
        this.budgetBytes = b.budgetBytes > 0 ? b.budgetBytes : MemoryBudget.defaultBudget().bytes();
    }

    /**
     * @param kernel the symmetric PSD kernel {@code [n, n]}, {@code n < 2³¹}
     * @return a builder
     */
    public static Builder builder(KernelRows kernel) {
        return new Builder(kernel);
    }

    /** @return the kernel's size n */
    public long size() {
        return kernel.size();
    }

    /** @return the diagonal regulariser λ */
    public double diagReg() {
        return diagReg;
    }

    /** @return the relative residual tolerance */
    public double tolerance() {
        return tolerance;
    }

    /**
     * The product {@code (K + λI) V}, streamed, in double precision (one pass over the kernel per column).
     *
     * @param v {@code [n, c]}
     * @return {@code [n, c]} DOUBLE
     */
    public INDArray multiply(INDArray v) {
        int n = Math.toIntExact(kernel.size());
        requireRhs(v, n);
        KernelOperator op = new KernelOperator(kernel, diagReg, blockDoubles);
        int c = (int) v.size(1);
        INDArray out = Nd4j.create(DataType.DOUBLE, n, c);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int j = 0; j < c; j++) {
            KernelOperator.column(v, j, x);
            op.multiply(x, y);
            out.getColumn(j).assign(Nd4j.createFromArray(y).reshape(n));
        }
        return out;
    }

    /**
     * Solves {@code (K + λI) α = b} column by column.
     *
     * @param b right-hand sides {@code [n, c]} (any floating type; read as doubles)
     * @return the solution and how it was reached
     * @throws NotPositiveDefiniteException when λ = 0 and the kernel is singular (or too ill-conditioned to converge)
     * @throws IllegalStateException        when λ &gt; 0 and CG does not reach the tolerance in {@code maxIterations}
     */
    public IterativeSolution solve(INDArray b) {
        long t0 = System.nanoTime();
        int n = Math.toIntExact(kernel.size());
        requireRhs(b, n);
        int c = (int) b.size(1);
        PivotedCholeskyPreconditioner p = preconditioner();
        if (diagReg == 0 && p.rank() < n && p.residualTrace() <= 1e-13 * p.trace()) {
            throw singular("the kernel has numerical rank " + p.rank() + " < n = " + n, p);
        }
        KernelOperator op = new KernelOperator(kernel, diagReg, blockDoubles);
        INDArray out = Nd4j.create(DataType.DOUBLE, n, c);
        int iterations = 0;
        double worst = 0;
        double[] rhs = new double[n];
        double[] ax = new double[n];
        for (int j = 0; j < c; j++) {
            KernelOperator.column(b, j, rhs);
            double bnorm = KernelOperator.norm(rhs);
            double[] x = new double[n];
            double rel = 0;
            if (bnorm > 0) {
                for (int round = 0; ; round++) {
                    ConjugateGradient cg = new ConjugateGradient(maxIterations, tolerance, true);
                    try {
                        x = cg.solveInPlace(op, p, new ArrayRealVector(rhs, false), new ArrayRealVector(x, false))
                                .toArray();
                    } catch (NonPositiveDefiniteOperatorException e) {
                        throw singular("conjugate gradients met a direction of zero or negative curvature", p);
                    } catch (MaxCountExceededException e) {
                        if (diagReg == 0) {
                            throw singular("conjugate gradients did not reach the relative residual " + tolerance
                                    + " in " + maxIterations + " iterations", p);
                        }
                        throw new IllegalStateException(String.format(Locale.ROOT, "conjugate gradients did not reach "
                                + "the relative residual %.1e in %d iterations (diagReg %g, preconditioner rank %d): "
                                + "raise the preconditioner rank or maxIterations, or diagReg", tolerance,
                                maxIterations, diagReg, p.rank()));
                    }
                    iterations += cg.getIterationManager().getIterations();
                    op.multiply(x, ax);
                    double r2 = 0;
                    for (int i = 0; i < n; i++) {
                        double d = rhs[i] - ax[i];
                        r2 += d * d;
                    }
                    rel = Math.sqrt(r2) / bnorm;
                    if (rel <= tolerance || round == RESTARTS) {
                        break;
                    }
                }
                if (!(rel <= tolerance)) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "the iterative solve stalled at the "
                            + "relative residual %.2e (asked %.1e): the kernel is too ill-conditioned in double "
                            + "precision; raise diagReg", rel, tolerance));
                }
            }
            worst = Math.max(worst, rel);
            out.getColumn(j).assign(Nd4j.createFromArray(x).reshape(n));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.debug("iterative kernel solve: n={}, {} columns, {} iterations, residual {}, rank {} ({} s to build), {} s",
                n, c, iterations, worst, p.rank(), p.buildSeconds(), seconds);
        return new IterativeSolution(out, iterations, worst, tolerance, p.rank(), op.passes(), seconds);
    }

    /**
     * Builds the preconditioner (once; {@link #solve} reuses it) and says what it cost.
     *
     * @return rank, kernel rows read, residual trace, memory and seconds of the preconditioner
     */
    public PreconditionerInfo preconditionerInfo() {
        PivotedCholeskyPreconditioner p = preconditioner();
        return new PreconditionerInfo(p.rank(), p.rowsRead(), p.residualTrace(), p.trace(), p.bytes(), p.buildSeconds(),
                p.stopReason(), p.lastBlockNu(), rankCap());
    }

    private PivotedCholeskyPreconditioner preconditioner() {
        if (preconditioner == null) {
            preconditioner = new PivotedCholeskyPreconditioner(kernel, rankCap(), diagReg, seed, stopNu);
        }
        return preconditioner;
    }

    /**
     * The largest rank the preconditioner may reach: {@link Builder#preconditionerRank} (capped at n) when given,
     * else the largest whose peak memory fits the budget.
     *
     * @return the cap
     * @throws MemoryBudgetExceededException when an explicit rank's peak memory exceeds the budget
     */
    public int rankCap() {
        return PivotedCholeskyPreconditioner.cap(kernel.size(), rank, budgetBytes);
    }

    private NotPositiveDefiniteException singular(String why, PivotedCholeskyPreconditioner p) {
        double suggested = Math.max(1e-10, 1e-6 * p.trace() / Math.max(1, kernel.size()));
        return new NotPositiveDefiniteException("(Θ + diagReg·I) α = b has no unique solution: " + why
                + " and diagReg is 0; set diagReg (e.g. " + String.format(Locale.ROOT, "%.3g", suggested) + ")",
                -1, suggested);
    }

    private static void requireRhs(INDArray b, int n) {
        if (b == null || b.rank() != 2 || b.size(0) != n) {
            throw new IllegalArgumentException("expected right-hand sides [" + n + ", c], got "
                    + (b == null ? "null" : Arrays.toString(b.shape())));
        }
    }

    /**
     * @param tol a relative residual tolerance
     * @return {@code tol} when in (0, 1)
     * @throws IllegalArgumentException {@code "tolerance must be in (0, 1) (got: tol)"}
     */
    public static double requireTolerance(double tol) {
        if (!(tol > 0 && tol < 1)) {
            throw new IllegalArgumentException("tolerance must be in (0, 1) (got: " + tol + ")");
        }
        return tol;
    }

    /**
     * @param k a preconditioner rank
     * @return {@code k} when &gt; 0
     * @throws IllegalArgumentException {@code "preconditionerRank must be > 0 (got: k)"}
     */
    public static int requireRank(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("preconditionerRank must be > 0 (got: " + k + ")");
        }
        return k;
    }

    /** Validated builder of {@link IterativeKernelSolver}. */
    public static final class Builder {
        private final KernelRows kernel;
        private double diagReg;
        private double tolerance = 1e-6;
        private int rank = AUTO_RANK;
        private long budgetBytes;
        private int maxIterations = 1000;
        private long seed = 20240601L;
        private long blockDoubles = 1L << 22;
        private double stopNu = DEFAULT_STOP_NU;

        private Builder(KernelRows kernel) {
            if (kernel == null) {
                throw new IllegalArgumentException("kernel must not be null");
            }
            if (kernel.size() >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the iterative solver supports n < 2^31 (got: " + kernel.size() + ")");
            }
            this.kernel = kernel;
        }

        /**
         * @param r absolute diagonal regulariser λ ≥ 0 (default 0)
         * @return this
         */
        public Builder diagReg(double r) {
            if (!(r >= 0) || Double.isInfinite(r)) {
                throw new IllegalArgumentException("diagReg must be finite and >= 0 (got: " + r + ")");
            }
            this.diagReg = r;
            return this;
        }

        /**
         * @param tol relative residual {@code ‖b − (K + λI) α‖ / ‖b‖} to reach, in (0, 1) (default 1e-6)
         * @return this
         */
        public Builder tolerance(double tol) {
            this.tolerance = requireTolerance(tol);
            return this;
        }

        /**
         * @param k largest rank of the pivoted-Cholesky preconditioner, &gt; 0, capped at n ({@code n·k} doubles; more
         *          rank, fewer iterations, {@code O(n k²)} work to build), or {@link #AUTO_RANK} (the default): the
         *          largest rank whose preconditioner fits the memory budget
         * @return this
         */
        public Builder preconditionerRank(int k) {
            this.rank = k == AUTO_RANK ? AUTO_RANK : requireRank(k);
            return this;
        }

        /**
         * @param bytes the most memory the preconditioner may allocate at any one time, &gt; 0 (default
         *              {@link MemoryBudget#defaultBudget()}): it sets the default rank cap, and an explicit
         *              {@link #preconditionerRank} beyond it is refused
         * @return this
         */
        public Builder memoryBudgetBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memoryBudgetBytes must be > 0 (got: " + bytes + ")");
            }
            this.budgetBytes = bytes;
            return this;
        }

        /**
         * @param m iterations per column and restart, &gt; 0 (default 1000)
         * @return this
         */
        public Builder maxIterations(int m) {
            if (m <= 0) {
                throw new IllegalArgumentException("maxIterations must be > 0 (got: " + m + ")");
            }
            this.maxIterations = m;
            return this;
        }

        /**
         * @param s seed of the random pivots (default fixed: solves are reproducible)
         * @return this
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * @param bytes ≥ 8; no longer used (the kernel–vector product reads one row at a time per thread), kept so that
         *              existing callers compile
         * @return this
         */
        public Builder blockBytes(long bytes) {
            if (bytes < 8) {
                throw new IllegalArgumentException("blockBytes must be >= 8 (got: " + bytes + ")");
            }
            this.blockDoubles = bytes / 8;
            return this;
        }

        /**
         * @param nu adaptive stop of the preconditioner's growth: after a block of pivots whose captured part has
         *           {@code ν = λ_max(Cᵀ D'⁻¹ C) ≤ nu} (see the class comment), ≥ 0; 0 grows to the rank cap
         *           (default {@value #DEFAULT_STOP_NU})
         * @return this
         */
        public Builder adaptiveStop(double nu) {
            if (!(nu >= 0) || Double.isInfinite(nu)) {
                throw new IllegalArgumentException("adaptiveStop must be finite and >= 0 (got: " + nu + ")");
            }
            this.stopNu = nu;
            return this;
        }

        /** @return the solver */
        public IterativeKernelSolver build() {
            return new IterativeKernelSolver(this);
        }
    }
}
