package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.linalg.NotPositiveDefiniteException;
import org.ntk4j.core.predict.GradientDescentMse;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.linearized.internal.KernelEngine;
import org.ntk4j.dl4j.network.NetworkAdapter;
import org.ntk4j.dl4j.network.NetworkAdapters;

import java.io.File;
import java.io.IOException;
import java.util.Locale;

import static org.ntk4j.dl4j.linearized.internal.LinearizedChecks.nonNegativeFinite;
import static org.ntk4j.dl4j.linearized.internal.LinearizedChecks.positiveFinite;

/**
 * A DL4J network replaced by its linearization around the initial parameters θ0,
 * {@code f_lin(x) = f0(x) + J0(x)(θ − θ0)}, whose training by gradient descent on the mean squared error has a
 * closed form in the empirical NTK Θ of the network at θ0. An instance is an immutable <b>configuration</b> (θ0 frozen
 * in a private copy, learning rate, regulariser, solver); {@link #fit(DataSet)} computes the FULL kernel on the training
 * set and the initial outputs f0 — no SGD — and returns a new, fitted instance (this one is unchanged and may be
 * fitted again); {@link #fitModel(DataSet)} returns the immutable fitted {@link LinearizedModel} itself. The
 * prediction methods of a fitted instance ({@link FittedLinearization}) delegate to its {@link #model()}; those of an
 * unfitted configuration throw {@link IllegalStateException}.
 *
 * <pre>{@code
 * LinearizedNetwork lin = LinearizedNetwork.of(net)      // freezes a copy of θ0; net may keep training
 *         .learningRate(0.1)                             // DL4J's Sgd learning rate (default: the network's Sgd rate)
 *         .build()
 *         .fit(trainSet);                                // features [n, d], labels [n, o]
 * INDArray atConvergence = lin.output(xTest);            // [nt, o]
 * INDArray afterSteps    = lin.output(xTest, 500);       // what 500 full-batch Sgd steps would give
 * INDArray atTime        = lin.outputAtTime(xTest, 50.0);// t = learningRate · steps
 * }</pre>
 *
 * <p><b>Meaning of steps and learning rate.</b> Exactly DL4J's: the output layer's {@code LossMSE} is the mean over
 * the {@code o} outputs, the updater divides the summed gradient by the minibatch size {@code n} (unless the
 * configuration sets {@code miniBatch(false)}), so one full-batch {@code Sgd(η)} step moves the training outputs by
 * {@code −(2η/(n·o)) Θ (f − y)}. {@code output(x, s)} is the exact discrete recursion after {@code s} steps;
 * {@code outputAtTime(x, t)} is the gradient flow at {@code t = η·s}; {@code output(x)} is the limit, by a solve of
 * {@code (Θ + diagReg·I) α = f0 − y} in double precision (with {@link Builder#diagReg(double)} when the kernel is
 * singular).
 *
 * <p><b>Solver.</b> {@link LinearizedSolver#AUTO} (default) factorizes densely when the Cholesky and eigen
 * factorizations ({@code 3 m²} doubles, {@code m = n·o}) fit in the memory budget beside the kernel, and otherwise
 * solves by preconditioned conjugate gradients ({@link org.ntk4j.core.linalg.IterativeKernelSolver}, tolerance
 * {@link Builder#tolerance(double)}, reported by {@link LinearizedModel#iterativeSolution()}); an iterative model gives
 * outputs at convergence only and refuses finite steps and times with a message.
 *
 * <p>Requirements: a {@link org.deeplearning4j.nn.multilayer.MultiLayerNetwork} (or a single-input, single-output
 * {@code ComputationGraph}) ending in an output layer with {@code LossMSE} (any activation: Θ is the kernel of
 * {@code net.output}), features {@code [n, ...]} and labels {@code [n, o]}. Other losses have no closed form: use
 * {@link org.ntk4j.core.predict.FunctionSpaceOde} with a kernel.
 */
public final class LinearizedNetwork implements FittedLinearization {
    private final LinearizedSettings s;
    private final LinearizedModel fitted;

    LinearizedNetwork(LinearizedSettings s, LinearizedModel fitted) {
        this.s = s;
        this.fitted = fitted;
    }

    /**
     * Starts a linearized network of {@code net} at its current parameters θ0.
     *
     * @param net an initialised {@link org.deeplearning4j.nn.multilayer.MultiLayerNetwork}, or a
     *            {@code ComputationGraph} with one input and one output, ending in an output layer with {@code LossMSE}
     * @return a builder; {@link Builder#build()} copies the network
     */
    public static Builder of(Model net) {
        return new Builder(net);
    }

    // ------------------------------------------------------------------ fit

    /**
     * Fits this configuration (see {@link #fitModel(DataSet)}) and returns a new, fitted linearized network; this
     * instance is not modified.
     *
     * @param train features {@code [n, ...]} and labels {@code [n, o]}, no masks
     * @return the fitted network, whose prediction methods delegate to {@link #model()}
     * @throws IllegalArgumentException                           for labels of the wrong shape or masks
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException when the kernel would not fit in memory
     */
    public LinearizedNetwork fit(DataSet train) {
        return new LinearizedNetwork(s, fitModel(train));
    }

    /**
     * Collects every batch of the iterator into one full batch and fits on it (as full-batch training would).
     *
     * @param train an iterator; reset first when it supports it
     * @return the fitted network
     */
    public LinearizedNetwork fit(DataSetIterator train) {
        return fit(LinearizedFit.collect(train));
    }

    /**
     * Computes the training kernel {@code Θ [n·o, n·o]} and the initial outputs {@code f0 [n, o]} and solves for the
     * converged coefficients, densely or iteratively ({@link Builder#solver(LinearizedSolver)}).
     *
     * @param train features {@code [n, ...]} and labels {@code [n, o]}, no masks
     * @return the immutable fitted model
     * @throws IllegalArgumentException                           for labels of the wrong shape or masks
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException when the kernel would not fit in memory
     */
    public LinearizedModel fitModel(DataSet train) {
        return LinearizedFit.fit(this, train);
    }

    // ------------------------------------------------------------------ predictions (fitted instances)

    /**
     * @return the fitted model
     * @throws IllegalStateException when this is an unfitted configuration
     */
    public LinearizedModel model() {
        if (fitted == null) {
            throw new IllegalStateException("the linearized network is not fitted: call fit(trainSet) first "
                    + "(it returns the fitted network; this configuration stays unfitted)");
        }
        return fitted;
    }

    @Override
    public INDArray output(INDArray x) {
        return model().output(x);
    }

    @Override
    public INDArray output(INDArray x, long steps) {
        return model().output(x, steps);
    }

    @Override
    public INDArray outputAtTime(INDArray x, double t) {
        return model().outputAtTime(x, t);
    }

    @Override
    public INDArray trainOutput(long steps) {
        return model().trainOutput(steps);
    }

    @Override
    public double maxStableLearningRate() {
        return model().maxStableLearningRate();
    }

    @Override
    public INDArray predictiveCovariance(INDArray x, double t, PriorKernel prior) {
        return model().predictiveCovariance(x, t, prior);
    }

    @Override
    public Evaluation evaluate(DataSetIterator data, long steps) {
        return model().evaluate(data, steps);
    }

    @Override
    public RegressionEvaluation evaluateRegression(DataSetIterator data, long steps) {
        return model().evaluateRegression(data, steps);
    }

    /**
     * The same linearization with another learning rate for {@link #output(INDArray, long)} (for a fitted instance,
     * the kernel, f0 and factorizations are shared, not recomputed).
     *
     * @param eta DL4J's Sgd learning rate, &gt; 0
     * @return a new linearized network (fitted when this one is)
     */
    public LinearizedNetwork withLearningRate(double eta) {
        positiveFinite(eta, "learningRate");
        return fitted == null ? new LinearizedNetwork(s.withLearningRate(eta), null)
                : new LinearizedNetwork(s.withLearningRate(eta), fitted.withLearningRate(eta));
    }

    // ------------------------------------------------------------------ accessors

    /** @return the learning rate that {@code steps} refer to */
    public double learningRate() {
        return s.learningRate();
    }

    /** @return the absolute diagonal regulariser added to the training kernel */
    public double diagReg() {
        return s.diagReg();
    }

    /** @return FULL (exact kernel) or TRACE ({@code trace kernel ⊗ I}) */
    public OutputMode kernelMode() {
        return s.kernelMode();
    }

    /** @return o, the number of network outputs */
    public int outputs() {
        return s.outputs();
    }

    /** @return the solver setting ({@link LinearizedModel#solver()} says which one a fit used) */
    public LinearizedSolver solver() {
        return s.solver();
    }

    /** @return whether this instance is fitted (returned by {@link #fit(DataSet)}) */
    public boolean isFitted() {
        return fitted != null;
    }

    @Override
    public INDArray trainKernel() {
        return model().trainKernel();
    }

    /** @return a copy of the network at θ0 (the linearization point): a MultiLayerNetwork or ComputationGraph */
    public Model initialNetwork() {
        return s.frozen().copy().model();
    }

    @Override
    public GradientDescentMse predictor() {
        return model().predictor();
    }

    // ------------------------------------------------------------------ persistence

    @Override
    public void save(File file) throws IOException {
        model().save(file);
    }

    /**
     * Reads a linearized network written by {@link #save(File)}, by this or an earlier version of ntk4j.
     *
     * @param file the zip
     * @return the fitted linearized network
     * @throws IOException when the file cannot be read, is not a linearized network, has a format version newer than
     *                     this reader's, or holds an unknown kind of network
     */
    public static LinearizedNetwork load(File file) throws IOException {
        LinearizedModel m = LinearizedModel.load(file);
        return new LinearizedNetwork(m.configuration().s, m);
    }

    /** @return the settings (package internal) */
    LinearizedSettings settings() {
        return s;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LinearizedNetwork[outputs=%d, learningRate=%g, diagReg=%g, fitted=%s]",
                s.outputs(), s.learningRate(), s.diagReg(), isFitted());
    }

    /** Validated builder of {@link LinearizedNetwork}. */
    public static final class Builder {
        private final Model net;
        private Double learningRate;
        private double diagReg;
        private MemoryBudget budget = MemoryBudget.defaultBudget();
        private KernelEngine engine;
        private OutputMode kernelMode = OutputMode.FULL;
        private LinearizedSolver solver = LinearizedSolver.AUTO;
        private double tolerance = 1e-6;
        private int preconditionerRank = org.ntk4j.core.linalg.IterativeKernelSolver.AUTO_RANK;

        private Builder(Model net) {
            this.net = Checks.notNull("network", net);
        }

        /**
         * @param eta DL4J's {@code Sgd} learning rate that {@code steps} refer to, &gt; 0; default: the network's own
         *            {@code Sgd} rate
         * @return this
         */
        public Builder learningRate(double eta) {
            this.learningRate = positiveFinite(eta, "learningRate");
            return this;
        }

        /**
         * @param r absolute diagonal regulariser added to the training kernel, ≥ 0 (default 0)
         * @return this
         */
        public Builder diagReg(double r) {
            this.diagReg = nonNegativeFinite(r, "diagReg");
            return this;
        }

        /**
         * @param b memory budget checked before allocating kernels and choosing the solver (default
         *          {@link MemoryBudget#defaultBudget()})
         * @return this
         */
        public Builder memoryBudget(MemoryBudget b) {
            this.budget = Checks.notNull("memoryBudget", b);
            return this;
        }

        /**
         * @param mode {@link OutputMode#FULL} (default): the exact kernel with its blocks between outputs;
         *             {@link OutputMode#TRACE}: the cheaper approximation {@code trace kernel ⊗ I}
         * @return this
         */
        public Builder kernelMode(OutputMode mode) {
            this.kernelMode = Checks.notNull("kernelMode", mode);
            return this;
        }

        /**
         * @param s {@link LinearizedSolver#AUTO} (default), {@code DENSE} or {@code ITERATIVE}
         * @return this
         */
        public Builder solver(LinearizedSolver s) {
            this.solver = Checks.notNull("solver", s);
            return this;
        }

        /**
         * @param tol relative residual of the iterative solver, in (0, 1) (default 1e-6)
         * @return this
         */
        public Builder tolerance(double tol) {
            this.tolerance = org.ntk4j.core.linalg.IterativeKernelSolver.requireTolerance(tol);
            return this;
        }

        /**
         * @param k largest rank of the iterative solver's pivoted-Cholesky preconditioner, &gt; 0, capped at n·o, or
         *          {@link org.ntk4j.core.linalg.IterativeKernelSolver#AUTO_RANK} (the default): the largest rank whose
         *          preconditioner fits the memory budget left beside the kernel
         * @return this
         */
        public Builder preconditionerRank(int k) {
            this.preconditionerRank = k == org.ntk4j.core.linalg.IterativeKernelSolver.AUTO_RANK ? k
                    : org.ntk4j.core.linalg.IterativeKernelSolver.requireRank(k);
            return this;
        }

        Builder kernelEngine(KernelEngine e) {
            this.engine = e;
            return this;
        }

        /** @return the linearized network (unfitted), holding a copy of the network's parameters */
        public LinearizedNetwork build() {
            if (net.params() == null || net.numParams() == 0) {
                throw new IllegalArgumentException("the network has no parameters: call net.init() first");
            }
            NetworkAdapter adapter = NetworkAdapters.of(net);
            org.ntk4j.dl4j.linearized.internal.LinearizedChecks.outputCount(adapter);
            double eta = learningRate != null ? learningRate
                    : org.ntk4j.dl4j.linearized.internal.LinearizedChecks.sgdRate(adapter);
            return new LinearizedNetwork(LinearizedSettings.of(adapter.copy(), eta, diagReg, budget, kernelMode, engine,
                    solver, tolerance, preconditionerRank), null);
        }
    }
}
