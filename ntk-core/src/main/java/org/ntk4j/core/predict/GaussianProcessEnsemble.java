package org.ntk4j.core.predict;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.linalg.Matrices;
import org.ntk4j.core.linalg.SymmetricEigen;
import org.ntk4j.core.predict.internal.Arguments;
import org.ntk4j.core.predict.internal.Cholesky64;
import org.ntk4j.core.predict.internal.DoubleProducts;
import org.ntk4j.core.predict.internal.Shapes;
import org.ntk4j.core.predict.internal.Spectral;

import java.util.Arrays;

/**
 * Mean and covariance of the outputs of an ensemble of infinitely wide networks trained by gradient descent on the
 * mean squared error (Lee et al. 2019, "Wide neural networks of any depth evolve as linear models under gradient
 * descent", eq. 15–16), at any time {@code t} and at convergence.
 *
 * <p>At initialisation the outputs are a centred Gaussian process with the NNGP kernel K; under gradient flow
 * {@code df/dt = −cΘ(f − y)} a test output is {@code f*(t) = f0* − A(t)(f0 − y)} with
 * {@code A(t) = Θ*X Θ⁻¹ (I − e^{−cΘt})}. Hence
 * <ul>
 *   <li>mean {@code μ(t) = A(t) y},</li>
 *   <li>covariance {@code Σ(t) = K** − A K_X* − K*X Aᵀ + A K_XX Aᵀ} (symmetric PSD: the covariance of a linear map of
 *       a Gaussian vector; symmetrized against rounding).</li>
 * </ul>
 * {@link #ntkGp} uses the NTK Θ for the dynamics (training all layers); {@link #nngp} uses K for both (training only the
 * readout; at {@code t = ∞} this is the exact Gaussian-process posterior {@code K*X K⁻¹ y},
 * {@code K** − K*X K⁻¹ K_X*}). All kernels are flat ({@code [n1·o, n2·o]}, example-major); with infinite-width kernels
 * of the form {@code k ⊗ I} pass {@code o = 1} and the per-output targets column by column, or the Kronecker form.
 * {@code c} defaults to DL4J's {@code 2/(n·o)}; {@code diagReg} is added to the training kernels. The solves and
 * products run in double precision for FLOAT kernels too; mean and covariance come back in the targets' type.
 *
 * <p>The training kernels are kept without a copy: do not modify them while the predictor is in use.
 *
 * <pre>{@code
 * GaussianProcessEnsemble ens = GaussianProcessEnsemble.builder(ntkTrain, nngpTrain, yTrain).build();
 * EnsemblePrediction p = ens.ntkGp(10.0, ntkTestTrain, nngpTestTrain, nngpTestTest);   // p.mean() [nt, o]
 * }</pre>
 */
public final class GaussianProcessEnsemble {
    private final INDArray ntkTrain;
    private final INDArray nngpTrain;
    private final INDArray targets;
    private final double rate;
    private final double diagReg;
    private final long n;
    private final long o;
    private org.ntk4j.core.kernel.MemoryBudget budget = org.ntk4j.core.kernel.MemoryBudget.defaultBudget();
    private volatile SymmetricEigen ntkEigen;
    private volatile SymmetricEigen nngpEigen;

    private GaussianProcessEnsemble(INDArray ntkTrain, INDArray nngpTrain, INDArray targets, double rate, double diagReg) {
        this.ntkTrain = ntkTrain;
        this.nngpTrain = nngpTrain;
        this.targets = targets;
        this.rate = rate;
        this.diagReg = diagReg;
        this.n = targets.size(0);
        this.o = targets.size(1);
    }

    /**
     * @param ntkTrain  NTK Θ on the training inputs {@code [n·o, n·o]}
     * @param nngpTrain NNGP K on the training inputs {@code [n·o, n·o]}
     * @param targets   {@code [n, o]}
     * @return a builder
     */
    public static Builder builder(INDArray ntkTrain, INDArray nngpTrain, INDArray targets) {
        return new Builder(ntkTrain, nngpTrain, targets);
    }

    /**
     * NTK-GP: the ensemble of networks trained (all layers) for time {@code t}.
     *
     * @param t             time ≥ 0 ({@code η·s} for s steps at learning rate η), {@code +∞} for convergence
     * @param ntkTestTrain  {@code [nt·o, n·o]}
     * @param nngpTestTrain {@code [nt·o, n·o]}
     * @param nngpTestTest  {@code [nt·o, nt·o]}
     * @return mean {@code [nt, o]} and covariance {@code [nt·o, nt·o]}
     */
    public EnsemblePrediction ntkGp(double t, INDArray ntkTestTrain, INDArray nngpTestTrain, INDArray nngpTestTest) {
        return predict(t, ntkTrain, true, ntkTestTrain, nngpTestTrain, nngpTestTest);
    }

    /**
     * NNGP: the ensemble of networks of which only the readout is trained, for time {@code t}; at {@code t = ∞} the
     * Gaussian-process posterior of the NNGP.
     *
     * @param t             time ≥ 0, or {@code +∞}
     * @param nngpTestTrain {@code [nt·o, n·o]}
     * @param nngpTestTest  {@code [nt·o, nt·o]}
     * @return mean {@code [nt, o]} and covariance {@code [nt·o, nt·o]}
     */
    public EnsemblePrediction nngp(double t, INDArray nngpTestTrain, INDArray nngpTestTest) {
        return predict(t, nngpTrain, false, nngpTestTrain, nngpTestTrain, nngpTestTest);
    }

    private EnsemblePrediction predict(double t, INDArray dynKernel, boolean ntk, INDArray dynTestTrain,
                                       INDArray kTestTrain, INDArray kTestTest) {
        Shapes.requireTime(t);
        DataType type = targets.dataType();
        long nt = testCount(dynTestTrain, "test-train kernel of the dynamics");
        DataType d = DataType.DOUBLE;   // the work, whatever the inputs' type
        INDArray kxt = Shapes.kernel(kTestTrain, nt, n, o, "NNGP test-train kernel", d);
        INDArray dxt = Shapes.kernel(dynTestTrain, nt, n, o, "test-train kernel of the dynamics", d);
        INDArray ktt = Shapes.kernel(kTestTest, nt, nt, o, "NNGP test-test kernel", d);
        // Aᵀ = M Θ_X*, M = Θ⁻¹ (I − e^{−cΘt}) symmetric: [n·o, nt·o]
        INDArray aT;
        long m = n * o;
        if (t == Double.POSITIVE_INFINITY && org.ntk4j.core.kernel.MemoryBudget.bytes(DataType.DOUBLE, 2, m, m)
                > budget.bytes()) {
            // beyond memory: (Θ + λI)⁻¹ Θ_X* column by column by conjugate gradients (relative residual 1e-6)
            aT = org.ntk4j.core.linalg.IterativeKernelSolver.builder(org.ntk4j.core.linalg.KernelRows.of(dynKernel))
                    .diagReg(diagReg).tolerance(GradientDescentMse.ITERATIVE_TOLERANCE)
                    .memoryBudgetBytes(budget.bytes()).build()
                    .solve(dxt.transpose().dup()).solution();
        } else if (t == Double.POSITIVE_INFINITY) {
            aT = Cholesky64.of(dynKernel, diagReg).solve(dxt.transpose().dup());
        } else {
            if ((ntk ? ntkEigen : nngpEigen) == null) {
                org.ntk4j.core.predict.internal.DenseBudget.requireEigenFits(budget, "GaussianProcessEnsemble", m);
            }
            SymmetricEigen e = eigen(ntk);
            aT = e.applyFunction(Spectral.clampedAtZero(Spectral.flowIntegral(rate, t)), dxt.transpose().dup());
        }
        INDArray a = aT.transpose();
        INDArray mean = Shapes.rows(a.mmul(Shapes.column(targets).castTo(d)), nt, o);
        INDArray cross = a.mmul(kxt.transpose());                 // A K_X*
        // A K_XX Aᵀ = A (K_XX Aᵀ): K_XX widened by row blocks, not copied whole
        INDArray cov = ktt.sub(cross).subi(cross.transpose()).addi(a.mmul(DoubleProducts.times(nngpTrain, aT)));
        return new EnsemblePrediction(mean.castTo(type), Matrices.symmetrize(cov).castTo(type));
    }

    private long testCount(INDArray k, String what) {
        if (k == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        Matrices.requireFloatingMatrix(k, what);
        if (k.size(0) % o != 0) {
            throw new IllegalArgumentException(what + " must be [nt·" + o + ", " + n * o + "], got "
                    + Arrays.toString(k.shape()));
        }
        return k.size(0) / o;
    }

    private SymmetricEigen eigen(boolean ntk) {
        SymmetricEigen e = ntk ? ntkEigen : nngpEigen;
        if (e == null) {
            synchronized (this) {
                e = ntk ? ntkEigen : nngpEigen;
                if (e == null) {
                    e = SymmetricEigen.of(Spectral.plusDiagonalInDouble(ntk ? ntkTrain : nngpTrain, diagReg));
                    if (ntk) {
                        ntkEigen = e;
                    } else {
                        nngpEigen = e;
                    }
                }
            }
        }
        return e;
    }

    /** Validated builder of {@link GaussianProcessEnsemble}. */
    public static final class Builder {
        private final INDArray ntkTrain;
        private final INDArray nngpTrain;
        private final INDArray targets;
        private Double rate;
        private double diagReg;
        private org.ntk4j.core.kernel.MemoryBudget budget;

        private Builder(INDArray ntkTrain, INDArray nngpTrain, INDArray targets) {
            this.ntkTrain = ntkTrain;
            this.nngpTrain = nngpTrain;
            this.targets = targets;
        }

        /**
         * @param c rate of {@code df/dt = −cΘ(f − y)}, &gt; 0; default {@code 2/(n·o)} (DL4J's MSE)
         * @return this
         */
        public Builder rate(double c) {
            this.rate = Arguments.requirePositiveFinite(c, "rate");
            return this;
        }

        /**
         * @param r absolute diagonal regulariser added to the training kernels of the dynamics, ≥ 0
         * @return this
         */
        public Builder diagReg(double r) {
            this.diagReg = Arguments.requireNonNegativeFinite(r, "diagReg");
            return this;
        }

        /**
         * @param b the budget for the dense factorizations' work (default
         *          {@link org.ntk4j.core.kernel.MemoryBudget#defaultBudget()}): beyond it the prediction at
         *          {@code t = ∞} solves by conjugate gradients (mean and covariance alike; the {@code nt} test
         *          columns one by one; the budget caps the preconditioner's rank) and finite times are refused with a
         *          {@link org.ntk4j.core.kernel.MemoryBudgetExceededException} that says so
         * @return this
         */
        public Builder memoryBudget(org.ntk4j.core.kernel.MemoryBudget b) {
            if (b == null) {
                throw new IllegalArgumentException("memoryBudget must not be null");
            }
            this.budget = b;
            return this;
        }

        /** @return the ensemble predictor */
        public GaussianProcessEnsemble build() {
            if (targets == null) {
                throw new IllegalArgumentException("training targets must not be null");
            }
            Matrices.requireFloatingMatrix(ntkTrain, "NTK training kernel");
            DataType type = ntkTrain.dataType();
            INDArray y = Shapes.trainingTargets(targets, type);
            long n = y.size(0), o = y.size(1);
            INDArray th = Shapes.kernel(ntkTrain, n, n, o, "NTK training kernel", type);
            INDArray k = Shapes.kernel(nngpTrain, n, n, o, "NNGP training kernel", type);
            Matrices.requireFinite(th, "NTK training kernel");
            Matrices.requireFinite(k, "NNGP training kernel");
            Matrices.requireFinite(y, "training targets");
            double c = rate != null ? rate : GradientDescentMse.dl4jMseRate(n, o);
            GaussianProcessEnsemble g = new GaussianProcessEnsemble(th, k, y.dup(), c, diagReg);
            if (budget != null) {
                g.budget = budget;
            }
            return g;
        }
    }
}
