package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.IEvaluation;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.linalg.IterativeSolution;
import org.ntk4j.core.linalg.NotPositiveDefiniteException;
import org.ntk4j.core.predict.GaussianProcessEnsemble;
import org.ntk4j.core.predict.GradientDescentMse;
import org.ntk4j.core.predict.internal.DoubleProducts;
import org.ntk4j.dl4j.OutputMode;

import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A fitted linearized network, immutable: what {@link LinearizedNetwork#fitModel(DataSet)} returns (the
 * configuration stays reusable, as a Tribuo {@code Trainer} and its {@code Model}). Holds θ0 (a private copy of the
 * network), the training data, the initial outputs {@code f0 [n, o]}, the training kernel {@code Θ [n·o, n·o]} and the
 * converged coefficients {@code α = (Θ + diagReg·I)⁻¹ (f0 − y)}, computed by a dense Cholesky solve or, when that does
 * not fit in the memory budget, by preconditioned conjugate gradients ({@link #solver()}, {@link #iterativeSolution()}).
 *
 * <p>Predictions compute the test–train kernel on each call; the model itself is never modified, so it may be shared
 * between threads that do not call DL4J on the same network concurrently (calls to the network are synchronized).
 */
public final class LinearizedModel implements FittedLinearization {
    private final LinearizedNetwork config;
    private final INDArray features;
    private final INDArray targets;
    private final INDArray initial;
    private final INDArray kernel;
    private final INDArray alpha;
    private final NotPositiveDefiniteException singular;
    private final GradientDescentMse gd;
    private final IterativeSolution iterative;

    LinearizedModel(LinearizedNetwork config, INDArray features, INDArray targets, INDArray initial, INDArray kernel,
                    INDArray alpha, NotPositiveDefiniteException singular, GradientDescentMse gd,
                    IterativeSolution iterative) {
        this.config = config;
        this.features = features;
        this.targets = targets;
        this.initial = initial;
        this.kernel = kernel;
        this.alpha = alpha == null ? null : alpha.castTo(DataType.DOUBLE);   // a file of an older FLOAT fit: widened
        this.singular = singular;
        this.gd = gd;
        this.iterative = iterative;
    }

    // ------------------------------------------------------------------ predictions

    @Override
    public INDArray output(INDArray x) {
        if (singular != null) {
            throw new NotPositiveDefiniteException("outputs at convergence need (Θ + diagReg·I)⁻¹ but "
                    + singular.getMessage() + "; rebuild with LinearizedNetwork.of(net).diagReg(...)"
                    + (gd != null ? " (finite steps and times work without it)" : ""), singular.pivot(),
                    singular.suggestedDiagReg());
        }
        INDArray xt = features(x);
        INDArray f0 = config.settings().frozenOutput(xt);
        if (xt.size(0) == 0) {
            return f0;
        }
        int o = config.settings().outputs();
        INDArray k = testKernel(xt);
        long m = xt.size(0) * o;
        // α is DOUBLE (dense or iterative solve); the product runs in double, the result in the network's type
        return DoubleProducts.minusTimes(f0.reshape('c', m, 1), k, alpha, config.settings().type())
                .reshape('c', xt.size(0), o);
    }

    @Override
    public INDArray output(INDArray x, long steps) {
        requireDense("outputs after a finite number of steps");
        INDArray xt = features(x);
        return gd.atSteps(steps, config.settings().learningRate(), testKernel(xt), config.settings().frozenOutput(xt)).test();
    }

    @Override
    public INDArray outputAtTime(INDArray x, double t) {
        if (t == Double.POSITIVE_INFINITY) {
            return output(x);
        }
        requireDense("outputs at a finite time");
        INDArray xt = features(x);
        return gd.atTime(t, testKernel(xt), config.settings().frozenOutput(xt)).test();
    }

    @Override
    public INDArray trainOutput(long steps) {
        requireDense("outputs after a finite number of steps");
        return gd.atSteps(steps, config.settings().learningRate(), null, null).train();
    }

    @Override
    public double maxStableLearningRate() {
        requireDense("the maximum stable learning rate (λmax of Θ)");
        return gd.maxStableLearningRate();
    }

    @Override
    public INDArray predictiveCovariance(INDArray x, double t, PriorKernel prior) {
        requireDense("the predictive covariance");
        if (prior == null) {
            throw new IllegalArgumentException("prior kernel must not be null");
        }
        INDArray xt = features(x);
        INDArray kxx = prior.flat(features, features).castTo(DataType.DOUBLE);
        INDArray ktx = prior.flat(xt, features).castTo(DataType.DOUBLE);
        INDArray ktt = prior.flat(xt, xt).castTo(DataType.DOUBLE);
        GaussianProcessEnsemble ens = GaussianProcessEnsemble.builder(kernel.castTo(DataType.DOUBLE), kxx,
                targets.castTo(DataType.DOUBLE)).rate(gd.rate()).diagReg(config.settings().diagReg()).build();
        return ens.ntkGp(t, testKernel(xt).castTo(DataType.DOUBLE), ktx, ktt).covariance();
    }

    @Override
    public Evaluation evaluate(DataSetIterator data, long steps) {
        return evaluateWith(new Evaluation(config.settings().outputs()), data, steps);
    }

    @Override
    public RegressionEvaluation evaluateRegression(DataSetIterator data, long steps) {
        return evaluateWith(new RegressionEvaluation(config.settings().outputs()), data, steps);
    }

    private <E extends IEvaluation<E>> E evaluateWith(E e, DataSetIterator data, long steps) {
        if (data == null) {
            throw new IllegalArgumentException("iterator must not be null");
        }
        if (data.resetSupported()) {
            data.reset();
        }
        int o = config.settings().outputs();
        while (data.hasNext()) {
            DataSet ds = data.next();
            INDArray out = steps < 0 ? output(ds.getFeatures()) : output(ds.getFeatures(), steps);
            INDArray labels = ds.getLabels();
            if (labels.rank() != 2 || labels.size(1) != o) {
                throw new IllegalArgumentException("expected labels [n, " + o + "], got "
                        + Arrays.toString(labels.shape()));
            }
            e.eval(labels.castTo(out.dataType()), out);
        }
        return e;
    }

    /**
     * @param eta DL4J's Sgd learning rate, &gt; 0
     * @return the same fit with another learning rate for the steps (kernel, f0 and factorizations shared)
     */
    public LinearizedModel withLearningRate(double eta) {
        return new LinearizedModel(config.withLearningRate(eta), features, targets, initial, kernel, alpha, singular,
                gd, iterative);
    }

    // ------------------------------------------------------------------ accessors

    /** @return the configuration this model was fitted with (unfitted; reusable) */
    public LinearizedNetwork configuration() {
        return config;
    }

    /** @return the learning rate that {@code steps} refer to */
    public double learningRate() {
        return config.settings().learningRate();
    }

    /** @return the absolute diagonal regulariser added to the training kernel */
    public double diagReg() {
        return config.settings().diagReg();
    }

    /** @return FULL or TRACE */
    public OutputMode kernelMode() {
        return config.settings().kernelMode();
    }

    /** @return o, the number of network outputs */
    public int outputs() {
        return config.settings().outputs();
    }

    /** @return n, the training examples */
    public long examples() {
        return features.size(0);
    }

    /** @return {@link LinearizedSolver#DENSE} or {@link LinearizedSolver#ITERATIVE}: how α was computed */
    public LinearizedSolver solver() {
        return gd != null ? LinearizedSolver.DENSE : LinearizedSolver.ITERATIVE;
    }

    /** @return iterations, residual, rank and time of the iterative solve; empty after a dense fit */
    public Optional<IterativeSolution> iterativeSolution() {
        return Optional.ofNullable(iterative);
    }

    @Override
    public INDArray trainKernel() {
        return kernel.dup();
    }

    /** @return a copy of the network at θ0 */
    public Model initialNetwork() {
        return config.settings().frozen().copy().model();
    }

    @Override
    public GradientDescentMse predictor() {
        requireDense("the closed-form predictor");
        return gd;
    }

    // ------------------------------------------------------------------ persistence

    @Override
    public void save(File file) throws IOException {
        LinearizedPersistence.save(this, file);
    }

    /**
     * @param file a zip written by {@link #save(File)} (any earlier format version too)
     * @return the model
     * @throws IOException when the file cannot be read, is not a linearized network, has an unknown version or an
     *                     unknown network kind
     */
    public static LinearizedModel load(File file) throws IOException {
        return LinearizedPersistence.load(file);
    }

    INDArray features() {
        return features;
    }

    INDArray targets() {
        return targets;
    }

    INDArray initial() {
        return initial;
    }

    INDArray kernel() {
        return kernel;
    }

    INDArray alpha() {
        return alpha;
    }

    // ------------------------------------------------------------------ internals

    private void requireDense(String what) {
        if (gd == null) {
            long m = features.size(0) * config.settings().outputs();
            throw new IllegalStateException(what + " needs the eigendecomposition of the training kernel [" + m
                    + ", " + m + "] (" + MemoryBudget.bytes(DataType.DOUBLE, 3, m, m) / (1L << 20) + " MiB in "
                    + "double), beyond the memory budget, so this model was solved iteratively and gives outputs "
                    + "at convergence only: use output(x), or fewer training examples, or a larger memory budget "
                    + "with solver(LinearizedSolver.DENSE)");
        }
    }

    private INDArray features(INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException("features must not be null");
        }
        INDArray xt = x.castTo(config.settings().type());
        long[] expected = features.shape();
        long[] got = xt.shape();
        if (got.length != expected.length || !Arrays.equals(Arrays.copyOfRange(got, 1, got.length),
                Arrays.copyOfRange(expected, 1, expected.length))) {
            String exp = Arrays.toString(expected).replaceFirst("^\\[\\d+", "[n");
            throw new IllegalArgumentException("expected features " + exp + " (as in training), got "
                    + Arrays.toString(got));
        }
        return xt;
    }

    private INDArray testKernel(INDArray xt) {
        long nt = xt.size(0);
        long n = features.size(0);
        int o = config.settings().outputs();
        config.settings().budget().check("test-train kernel [" + nt * o + ", " + n * o + "]",
                2 * MemoryBudget.bytes(config.settings().type(), nt * o, n * o)
                        + config.settings().engine().workspaceBytes(config.settings().frozen().model(), nt, n, o),
                "predict in smaller batches");
        if (nt == 0) {
            return Nd4j.create(config.settings().type(), 0, n * o);
        }
        return config.settings().engine().flatKernel(config.settings().frozen().model(), xt, features);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LinearizedModel[n=%d, outputs=%d, learningRate=%g, diagReg=%g, solver=%s]",
                examples(), outputs(), learningRate(), diagReg(), solver());
    }
}
