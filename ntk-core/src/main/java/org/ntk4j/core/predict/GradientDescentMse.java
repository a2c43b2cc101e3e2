package org.ntk4j.core.predict;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.linalg.CholeskyFactor;
import org.ntk4j.core.linalg.IterativeKernelSolver;
import org.ntk4j.core.linalg.KernelRows;
import org.ntk4j.core.linalg.Matrices;
import org.ntk4j.core.linalg.SymmetricEigen;
import org.ntk4j.core.predict.internal.Arguments;
import org.ntk4j.core.predict.internal.Cholesky64;
import org.ntk4j.core.predict.internal.DoubleProducts;
import org.ntk4j.core.predict.internal.Shapes;
import org.ntk4j.core.predict.internal.Spectral;

import java.util.function.DoubleUnaryOperator;

/**
 * Closed-form outputs of a linearized network trained by gradient descent on the mean squared error, on the training
 * set and on test inputs: at any continuous time {@code t}, after any number of discrete steps, and at convergence.
 *
 * <p>The linearized network evolves as {@code df/dt = −c Θ (f − y)} on the training set, Θ the flat training kernel
 * {@code [n·o, n·o]} (example-major, see {@code KernelLayout.flatten}) and {@code c} the {@linkplain Builder#rate rate}.
 * With DL4J's conventions ({@code LossMSE} is the mean over the {@code o} outputs and the updater divides by the minibatch
 * size {@code n}) {@code c = 2/(n·o)}, the default: one full-batch {@code Sgd(η)} step moves the training outputs by
 * {@code −η c Θ (f − y)}, and {@code s} steps correspond to continuous time {@code t = η·s}. With
 * {@code r0 = f0 − y}:
 * <ul>
 *   <li>continuous time: {@code f(t) = y + e^{−cΘt} r0}, {@code f*(t) = f0* − Θ*X Θ⁻¹ (I − e^{−cΘt}) r0};</li>
 *   <li>discrete steps: {@code e^{−cΘt}} becomes {@code (I − ηcΘ)^s} (exact, not an approximation of the flow);</li>
 *   <li>convergence: {@code f* = f0* − Θ*X Θ⁻¹ r0}, by a Cholesky solve.</li>
 * </ul>
 * Finite times share one eigendecomposition of Θ (computed on first use, O(m³), m = n·o); convergence uses a Cholesky
 * factorization (computed on first use, about 10× cheaper). Eigenvalues are clamped at 0. The optional diagonal
 * regulariser {@code diagReg} is added to the training kernel Θ, which then governs the dynamics everywhere (as in
 * neural-tangents' {@code gradient_descent_mse}). The factorizations and products run in double precision for a FLOAT
 * kernel too (a float32 solve loses 3–4 digits on a typical NTK); results are in the data type of the training kernel.
 *
 * <pre>{@code
 * GradientDescentMse gd = GradientDescentMse.builder(thetaTrain, yTrain)   // [n·o, n·o], [n, o]
 *         .initialOutputs(f0Train)                                         // [n, o]; zero if omitted
 *         .build();
 * Prediction p = gd.atSteps(100, 0.1, thetaTestTrain, f0Test);             // [nt·o, n·o], [nt, o]
 * INDArray yTest = gd.atConvergence(thetaTestTrain, f0Test).test();         // [nt, o]
 * }</pre>
 *
 * <p>Thread-safe: the lazily computed factorizations are published safely. The training kernel is kept without a
 * copy (it can be large): do not modify it while the predictor is in use; targets and initial outputs are copied.
 */
public final class GradientDescentMse {
    /** Relative residual of the conjugate-gradient solve that {@link #atConvergence} falls back to beyond memory. */
    public static final double ITERATIVE_TOLERANCE = 1e-6;
    private final INDArray kernel;
    private final INDArray targets;
    private final INDArray initial;
    private final double rate;
    private final double diagReg;
    private final long n;
    private final long o;
    private final org.ntk4j.core.kernel.MemoryBudget budget;
    private volatile SymmetricEigen eigen;
    private volatile CholeskyFactor cholesky;

    private GradientDescentMse(Builder b, INDArray kernel, INDArray targets, INDArray initial, long n, long o) {
        this.kernel = kernel;
        this.targets = targets;
        this.initial = initial;
        this.rate = b.rate != null ? b.rate : dl4jMseRate(n, o);
        this.diagReg = b.diagReg;
        this.budget = b.budget;
        this.n = n;
        this.o = o;
    }

    /** Refuses finite times and steps when the eigendecomposition would exceed the memory budget. */
    private void requireEigenFits() {
        if (eigen == null) {
            org.ntk4j.core.predict.internal.DenseBudget.requireEigenFits(budget, "GradientDescentMse", n * o);
        }
    }

    /**
     * The rate of DL4J's mean squared error under full-batch gradient descent.
     *
     * @param n training examples
     * @param o outputs per example
     * @return {@code 2 / (n·o)}
     */
    public static double dl4jMseRate(long n, long o) {
        if (n <= 0 || o <= 0) {
            throw new IllegalArgumentException("need n > 0 and o > 0 (got: n = " + n + ", o = " + o + ")");
        }
        return 2.0 / ((double) n * o);
    }

    /**
     * @param trainKernel  flat training kernel Θ {@code [n·o, n·o]}, symmetric PSD, FLOAT or DOUBLE
     * @param trainTargets {@code [n, o]} (a vector {@code [n]} means o = 1)
     * @return a builder
     */
    public static Builder builder(INDArray trainKernel, INDArray trainTargets) {
        return new Builder(trainKernel, trainTargets);
    }

    /** @return training examples n */
    public long examples() {
        return n;
    }

    /** @return outputs per example o */
    public long outputs() {
        return o;
    }

    /** @return the rate c of {@code df/dt = −cΘ(f − y)} */
    public double rate() {
        return rate;
    }

    /** @return the absolute diagonal regulariser added to Θ */
    public double diagReg() {
        return diagReg;
    }

    /** @return the data type of the results */
    public DataType dataType() {
        return kernel.dataType();
    }

    /**
     * The eigendecomposition of the (regularised) training kernel; computed once, on first use.
     *
     * @return {@code Θ + diagReg·I = V Λ Vᵀ}, in DOUBLE whatever the kernel's type
     */
    public SymmetricEigen eigen() {
        SymmetricEigen e = eigen;
        if (e == null) {
            synchronized (this) {
                e = eigen;
                if (e == null) {
                    e = SymmetricEigen.of(Spectral.plusDiagonalInDouble(kernel, diagReg));
                    eigen = e;
                }
            }
        }
        return e;
    }

    /**
     * The Cholesky factorization of the regularised training kernel; computed once, on first use.
     *
     * @return {@code Θ + diagReg·I = L Lᵀ}, in DOUBLE whatever the kernel's type (its solves return DOUBLE)
     * @throws org.ntk4j.core.linalg.NotPositiveDefiniteException with the diagReg to use
     */
    public CholeskyFactor cholesky() {
        CholeskyFactor c = cholesky;
        if (c == null) {
            synchronized (this) {
                c = cholesky;
                if (c == null) {
                    c = Cholesky64.of(kernel, diagReg);
                    cholesky = c;
                }
            }
        }
        return c;
    }

    /**
     * The largest learning rate for which full-batch gradient descent on the linearized network converges:
     * {@code η < 2 / (c λmax)}.
     *
     * @return {@code 2 / (c λmax(Θ + diagReg·I))}, or {@code +∞} for a zero kernel
     */
    public double maxStableLearningRate() {
        SymmetricEigen e = eigen;
        double lmax;
        if (e != null) {
            lmax = e.maxEigenvalue();
        } else {
            INDArray ev = SymmetricEigen.eigenvalues(Spectral.plusDiagonalInDouble(kernel, diagReg));
            lmax = ev.length() == 0 ? 0.0 : ev.getDouble(ev.length() - 1);
        }
        return lmax > 0 ? 2.0 / (rate * lmax) : Double.POSITIVE_INFINITY;
    }

    /** @return training outputs at convergence, {@code [n, o]} */
    public INDArray trainAtConvergence() {
        return atConvergence(null, null).train();
    }

    /**
     * Outputs at convergence ({@code t = ∞}), by a Cholesky solve; when its work (two {@code m × m} double matrices)
     * exceeds the {@linkplain Builder#memoryBudget memory budget}, by conjugate gradients instead
     * ({@link #atConvergenceIterative}, relative residual {@value #ITERATIVE_TOLERANCE}).
     *
     * @param testTrainKernel {@code [nt·o, n·o]} Θ(test, train), or {@code null} for no test set
     * @param testInitial     {@code [nt, o]} f0 on the test inputs (zero when {@code null} and a kernel is given)
     * @return train {@code [n, o]} and test {@code [nt, o]} outputs
     */
    public Prediction atConvergence(INDArray testTrainKernel, INDArray testInitial) {
        if (cholesky == null && org.ntk4j.core.predict.internal.DenseBudget.bytes(n * o, 2) > budget.bytes()) {
            return atConvergenceIterative(testTrainKernel, testInitial, ITERATIVE_TOLERANCE);
        }
        INDArray alpha = cholesky().solve(Shapes.column(initial.sub(targets))); // (Θ + rI)⁻¹ r0, DOUBLE
        INDArray train = diagReg == 0.0 ? targets.dup()
                : Shapes.rows(DoubleProducts.minusTimes(Shapes.column(initial), kernel, alpha, dataType()), n, o);
        return new Prediction(train, test(testTrainKernel, testInitial, alpha));
    }

    /**
     * Outputs at convergence by preconditioned conjugate gradients in double precision ({@link IterativeKernelSolver},
     * preconditioner within the memory budget) instead of a Cholesky factorization: no {@code m²} double kernel copy.
     *
     * @param testTrainKernel {@code [nt·o, n·o]} Θ(test, train), or {@code null} for no test set
     * @param testInitial     {@code [nt, o]} f0 on the test inputs (zero when {@code null} and a kernel is given)
     * @param tolerance       relative residual of the solve, in (0, 1) (e.g. 1e-6)
     * @return train {@code [n, o]} and test {@code [nt, o]} outputs, in this predictor's data type
     * @throws org.ntk4j.core.linalg.NotPositiveDefiniteException when the kernel is singular and diagReg is 0
     */
    public Prediction atConvergenceIterative(INDArray testTrainKernel, INDArray testInitial, double tolerance) {
        INDArray r0 = Shapes.column(initial.sub(targets));
        INDArray alpha = IterativeKernelSolver.builder(KernelRows.of(kernel)).diagReg(diagReg).tolerance(tolerance)
                .memoryBudgetBytes(budget.bytes()).build().solve(r0).solution();
        INDArray train = diagReg == 0.0 ? targets.dup()
                : Shapes.rows(DoubleProducts.minusTimes(Shapes.column(initial), kernel, alpha, dataType()), n, o);
        return new Prediction(train, test(testTrainKernel, testInitial, alpha));
    }

    /**
     * Outputs after continuous time {@code t} of gradient flow; {@code t = η·s} for {@code s} steps at learning rate
     * {@code η}. {@code t = +∞} gives {@link #atConvergence(INDArray, INDArray)}.
     *
     * @param t               time, ≥ 0
     * @param testTrainKernel {@code [nt·o, n·o]}, or {@code null}
     * @param testInitial     {@code [nt, o]}, or {@code null} for zero
     * @return train and test outputs
     */
    public Prediction atTime(double t, INDArray testTrainKernel, INDArray testInitial) {
        Shapes.requireTime(t);
        if (t == Double.POSITIVE_INFINITY) {
            return atConvergence(testTrainKernel, testInitial);
        }
        requireEigenFits();
        double c = rate;
        return evolve(l -> Math.exp(-c * l * t), Spectral.flowIntegral(c, t), testTrainKernel, testInitial);
    }

    /**
     * Outputs after {@code steps} exact full-batch gradient-descent steps of learning rate {@code learningRate}:
     * {@code f_{s+1} = f_s − η c Θ (f_s − y)} (DL4J's {@code Sgd(η)} on the linearized network).
     *
     * @param steps           number of steps, ≥ 0
     * @param learningRate    η &gt; 0
     * @param testTrainKernel {@code [nt·o, n·o]}, or {@code null}
     * @param testInitial     {@code [nt, o]}, or {@code null} for zero
     * @return train and test outputs
     */
    public Prediction atSteps(long steps, double learningRate, INDArray testTrainKernel, INDArray testInitial) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0 (got: " + steps + ")");
        }
        Arguments.requirePositiveFinite(learningRate, "learning rate");
        requireEigenFits();
        double ec = learningRate * rate;
        double s = steps;
        DoubleUnaryOperator residual = l -> {
            double a = ec * l;
            return a < 1 ? Math.exp(s * Math.log1p(-a)) : Math.pow(1 - a, s);
        };
        DoubleUnaryOperator integral = l -> {
            if (l <= 0) {
                return ec * s;
            }
            double a = ec * l;
            double done = a < 1 ? -Math.expm1(s * Math.log1p(-a)) : 1 - Math.pow(1 - a, s);
            return done / l;
        };
        return evolve(residual, integral, testTrainKernel, testInitial);
    }

    /**
     * f(train) = y + V h(λ) Vᵀ r0 ; f(test) = f0* − Θ*X V g(λ) Vᵀ r0, λ clamped at 0.
     */
    private Prediction evolve(DoubleUnaryOperator residual, DoubleUnaryOperator integral, INDArray testTrainKernel,
                              INDArray testInitial) {
        SymmetricEigen e = eigen();
        INDArray coeff = e.coefficients(Shapes.column(initial.sub(targets)).castTo(DataType.DOUBLE));
        INDArray rt = e.expand(coeff.mul(e.functionValues(Spectral.clampedAtZero(residual))), false);
        INDArray train = Shapes.rows(rt.addi(Shapes.column(targets).castTo(DataType.DOUBLE)).castTo(dataType()), n, o);
        INDArray test = null;
        if (testTrainKernel != null) {
            INDArray w = e.expand(coeff.mul(e.functionValues(Spectral.clampedAtZero(integral))), false);
            test = test(testTrainKernel, testInitial, w);
        }
        return new Prediction(train, test);
    }

    /** f0* − Θ*X w. */
    private INDArray test(INDArray testTrainKernel, INDArray testInitial, INDArray w) {
        if (testTrainKernel == null) {
            if (testInitial != null) {
                throw new IllegalArgumentException("test initial outputs given without the test-train kernel");
            }
            return null;
        }
        Matrices.requireFloatingMatrix(testTrainKernel, "test-train kernel");
        if (testTrainKernel.size(1) != n * o || testTrainKernel.size(0) % o != 0) {
            throw new IllegalArgumentException("test-train kernel must be [nt·" + o + ", " + n * o + "] (flat, "
                    + n + " training examples, " + o + " outputs), got "
                    + java.util.Arrays.toString(testTrainKernel.shape()));
        }
        long nt = testTrainKernel.size(0) / o;
        INDArray f0 = Shapes.outputsOrZeros(testInitial, "test initial outputs", nt, o, "test initial outputs",
                dataType());
        if (nt == 0) {
            return f0.dup();
        }
        return Shapes.rows(DoubleProducts.minusTimes(Shapes.column(f0), testTrainKernel, w, dataType()), nt, o);
    }

    /** Validated builder of {@link GradientDescentMse}. */
    public static final class Builder {
        private final INDArray trainKernel;
        private final INDArray trainTargets;
        private INDArray initialOutputs;
        private Double rate;
        private double diagReg;
        private org.ntk4j.core.kernel.MemoryBudget budget = org.ntk4j.core.kernel.MemoryBudget.defaultBudget();

        private Builder(INDArray trainKernel, INDArray trainTargets) {
            this.trainKernel = trainKernel;
            this.trainTargets = trainTargets;
        }

        /**
         * @param f0 {@code [n, o]} outputs of the network at initialisation on the training inputs (default zero)
         * @return this
         */
        public Builder initialOutputs(INDArray f0) {
            this.initialOutputs = f0;
            return this;
        }

        /**
         * @param c the rate of {@code df/dt = −cΘ(f − y)}, &gt; 0; default {@link #dl4jMseRate(long, long)}
         * @return this
         */
        public Builder rate(double c) {
            this.rate = Arguments.requirePositiveFinite(c, "rate");
            return this;
        }

        /**
         * @param r absolute diagonal regulariser added to the training kernel, ≥ 0 (default 0)
         * @return this
         */
        public Builder diagReg(double r) {
            this.diagReg = Arguments.requireNonNegativeFinite(r, "diagReg");
            return this;
        }

        /**
         * @param b the budget for the dense factorizations' work (default
         *          {@link org.ntk4j.core.kernel.MemoryBudget#defaultBudget()}): beyond it {@link #atConvergence} solves
         *          by conjugate gradients (whose preconditioner's rank it caps) and finite times and steps are
         *          refused with a {@link org.ntk4j.core.kernel.MemoryBudgetExceededException} that says so
         * @return this
         */
        public Builder memoryBudget(org.ntk4j.core.kernel.MemoryBudget b) {
            if (b == null) {
                throw new IllegalArgumentException("memoryBudget must not be null");
            }
            this.budget = b;
            return this;
        }

        /** @return the predictor; validates shapes and finiteness (factorizations are computed on first use) */
        public GradientDescentMse build() {
            if (trainKernel == null) {
                throw new IllegalArgumentException("training kernel must not be null");
            }
            Matrices.requireFloatingMatrix(trainKernel, "training kernel");
            DataType type = trainKernel.dataType();
            INDArray y = Shapes.trainingTargets(trainTargets, type);
            long n = y.size(0), o = y.size(1);
            INDArray k = Shapes.kernel(trainKernel, n, n, o, "training kernel", type);
            Matrices.requireFinite(k, "training kernel");
            Matrices.requireFinite(y, "training targets");
            INDArray f0 = Shapes.outputsOrZeros(initialOutputs, "initial outputs", n, o,
                    "initial outputs (same shape as the targets)", type);
            Matrices.requireFinite(f0, "initial outputs");
            return new GradientDescentMse(this, k, y.dup(), f0.dup(), n, o);
        }
    }
}
