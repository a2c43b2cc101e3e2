package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.IEvaluation;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.linalg.NotPositiveDefiniteException;
import org.ntk4j.core.predict.GaussianProcessEnsemble;
import org.ntk4j.core.predict.GradientDescentMse;
import org.ntk4j.core.predict.internal.Arguments;
import org.ntk4j.dl4j.linearized.internal.KernelEngine;
import org.ntk4j.dl4j.linearized.internal.KernelEngines;
import org.ntk4j.dl4j.linearized.internal.Linearizable;
import org.ntk4j.dl4j.OutputMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A DL4J network replaced by its linearization around the initial parameters θ0,
 * {@code f_lin(x) = f0(x) + J0(x)(θ − θ0)}, whose training by gradient descent on the mean squared error has a
 * closed form in the empirical NTK Θ of the network at θ0: {@link #fit(DataSet)} computes the FULL kernel on the
 * training set and the initial outputs f0 — no SGD — and the predictions follow from
 * {@link GradientDescentMse}.
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
 * {@code outputAtTime(x, t)} is the gradient flow at {@code t = η·s}; {@code output(x)} is the limit, by a Cholesky
 * solve (with {@link Builder#diagReg(double)} when the kernel is singular).
 *
 * <p>Requirements: a {@link MultiLayerNetwork} (or a single-input, single-output {@code ComputationGraph}) ending in an
 * output layer with {@code LossMSE} (any activation: Θ is the
 * kernel of {@code net.output}), features {@code [n, ...]} and labels {@code [n, o]}. Other losses have no closed form:
 * use {@link org.ntk4j.core.predict.FunctionSpaceOde} with a kernel. Instances are not thread-safe.
 */
public final class LinearizedNetwork {
    private static final Logger LOG = LoggerFactory.getLogger(LinearizedNetwork.class);
    private static final String FORMAT = "ntk4j-linearized-1";

    private final Linearizable frozen;
    private final double learningRate;
    private final double diagReg;
    private final MemoryBudget budget;
    private final KernelEngine engine;
    private final OutputMode kernelMode;
    private final int outputs;
    private final DataType type;
    private final double rate;

    private INDArray trainFeatures;
    private INDArray trainTargets;
    private INDArray trainInitial;
    private INDArray trainKernel;
    private INDArray alpha;
    private NotPositiveDefiniteException singular;
    private GradientDescentMse gd;

    private LinearizedNetwork(Linearizable frozen, double learningRate, double diagReg, MemoryBudget budget,
                              OutputMode kernelMode, KernelEngine engine) {
        this.frozen = frozen;
        this.learningRate = learningRate;
        this.diagReg = diagReg;
        this.budget = budget;
        this.kernelMode = kernelMode;
        this.outputs = outputCount(frozen);
        this.engine = engine != null ? engine : KernelEngines.defaultEngine(budget, kernelMode, outputs);
        this.type = frozen.dataType();
        this.rate = frozen.model().conf().isMiniBatch() ? Double.NaN : 2.0 / outputs; // NaN: 2/(n·o), n known at fit
    }

    /**
     * Starts a linearized network of {@code net} at its current parameters θ0.
     *
     * @param net an initialised {@link MultiLayerNetwork}, or a {@code ComputationGraph} with one input and one output,
     *            ending in an output layer with {@code LossMSE}
     * @return a builder; {@link Builder#build()} copies the network
     */
    public static Builder of(Model net) {
        return new Builder(net);
    }

    // ------------------------------------------------------------------ fit

    /**
     * Computes the training kernel {@code Θ [n·o, n·o]} and the initial outputs {@code f0 [n, o]} and solves for the
     * converged coefficients. Replaces any previous fit.
     *
     * @param train features {@code [n, ...]} and labels {@code [n, o]}, no masks
     * @return this
     * @throws IllegalArgumentException                               for labels of the wrong shape or masks
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException     when the kernel would not fit in memory
     */
    public LinearizedNetwork fit(DataSet train) {
        if (train == null || train.getFeatures() == null || train.getLabels() == null) {
            throw new IllegalArgumentException("training set must have features and labels");
        }
        if (train.getFeaturesMaskArray() != null || train.getLabelsMaskArray() != null) {
            throw new IllegalArgumentException("masked data sets are not supported: remove the masks");
        }
        INDArray x = train.getFeatures().castTo(type);
        INDArray y = train.getLabels();
        long n = x.size(0);
        if (y.rank() != 2 || y.size(0) != n || y.size(1) != outputs) {
            throw new IllegalArgumentException("expected labels [" + n + ", " + outputs + "] (one row per example, "
                    + outputs + " network outputs), got " + Arrays.toString(y.shape()));
        }
        if (n == 0) {
            throw new IllegalArgumentException("training set is empty");
        }
        org.ntk4j.core.linalg.Matrices.requireFinite(x, "training features");
        org.ntk4j.core.linalg.Matrices.requireFinite(y, "training labels");
        long m = n * outputs;
        long needed = 4 * MemoryBudget.bytes(type, m, m) + engine.workspaceBytes(frozen.model(), n, 0, outputs);
        budget.check("linearized network on " + n + " examples × " + outputs + " outputs (kernel [" + m + ", " + m
                + "])", needed, "use fewer training examples or raise -Xmx / org.bytedeco.javacpp.maxphysicalbytes");
        INDArray f0 = frozenOutput(x);
        INDArray theta = engine.flatKernel(frozen.model(), x, null);
        GradientDescentMse g = predictor(theta, y.castTo(type), f0);
        INDArray r0 = f0.sub(y.castTo(type)).reshape('c', m, 1);
        try {
            this.alpha = g.cholesky().solve(r0);
            this.singular = null;
        } catch (NotPositiveDefiniteException e) {
            // finite steps and times stay well defined (eigendecomposition); only t = ∞ needs the solve
            LOG.warn("training kernel is singular; outputs at convergence need a diagonal regulariser: {}",
                    e.getMessage());
            this.alpha = null;
            this.singular = e;
        }
        this.gd = g;
        this.trainFeatures = x.dup();
        this.trainTargets = y.castTo(type).dup();
        this.trainInitial = f0;
        this.trainKernel = theta;
        LOG.debug("linearized network fitted on {} examples, {} outputs", n, outputs);
        return this;
    }

    /**
     * Collects every batch of the iterator into one full batch and fits on it (as full-batch training would).
     *
     * @param train an iterator; reset first when it supports it
     * @return this
     */
    public LinearizedNetwork fit(DataSetIterator train) {
        return fit(collect(train));
    }

    private static DataSet collect(DataSetIterator it) {
        if (it == null) {
            throw new IllegalArgumentException("iterator must not be null");
        }
        if (it.resetSupported()) {
            it.reset();
        }
        List<DataSet> all = new ArrayList<>();
        while (it.hasNext()) {
            all.add(it.next());
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("iterator returned no data");
        }
        return all.size() == 1 ? all.get(0) : DataSet.merge(all);
    }

    // ------------------------------------------------------------------ predictions

    /**
     * Outputs at convergence ({@code t = ∞}): {@code f0(x) + Θ(x, X) (Θ + r I)⁻¹ (y − f0(X))}.
     *
     * @param x features {@code [nt, ...]}
     * @return {@code [nt, o]}
     * @throws NotPositiveDefiniteException when the training kernel is singular and no {@code diagReg} was set; the
     *                                      message names the value to use
     */
    public INDArray output(INDArray x) {
        requireFitted();
        if (singular != null) {
            throw new NotPositiveDefiniteException("outputs at convergence need (Θ + diagReg·I)⁻¹ but "
                    + singular.getMessage() + "; rebuild with LinearizedNetwork.of(net).diagReg(...)"
                    + " (finite steps and times work without it)", singular.pivot(), singular.suggestedDiagReg());
        }
        INDArray xt = features(x);
        INDArray f0 = frozenOutput(xt);
        if (xt.size(0) == 0) {
            return f0;
        }
        INDArray k = testKernel(xt);
        return f0.dup('c').reshape('c', xt.size(0) * outputs, 1).subi(k.mmul(alpha)).reshape('c', xt.size(0), outputs);
    }

    /**
     * Outputs after {@code steps} full-batch {@code Sgd(learningRate)} steps on the training set (exact discrete
     * recursion of the linearized network).
     *
     * @param x     features {@code [nt, ...]}
     * @param steps ≥ 0
     * @return {@code [nt, o]}
     */
    public INDArray output(INDArray x, long steps) {
        requireFitted();
        INDArray xt = features(x);
        return gd.atSteps(steps, learningRate, testKernel(xt), frozenOutput(xt)).test();
    }

    /**
     * Outputs after gradient flow for time {@code t = learningRate · steps}.
     *
     * @param x features {@code [nt, ...]}
     * @param t ≥ 0; {@code +∞} gives {@link #output(INDArray)}
     * @return {@code [nt, o]}
     */
    public INDArray outputAtTime(INDArray x, double t) {
        requireFitted();
        if (t == Double.POSITIVE_INFINITY) {
            return output(x);
        }
        INDArray xt = features(x);
        return gd.atTime(t, testKernel(xt), frozenOutput(xt)).test();
    }

    /**
     * @return outputs on the training inputs after {@code steps} steps {@code [n, o]}
     * @param steps ≥ 0
     */
    public INDArray trainOutput(long steps) {
        requireFitted();
        return gd.atSteps(steps, learningRate, null, null).train();
    }

    /**
     * The largest learning rate for which full-batch gradient descent on the training set converges.
     *
     * @return {@code 2 / (c λmax(Θ))} with {@code c = 2/(n·o)}
     */
    public double maxStableLearningRate() {
        requireFitted();
        return gd.maxStableLearningRate();
    }

    /**
     * Covariance over random initialisations of the test outputs of networks trained like this one for time
     * {@code t}, from the ensemble formulas of Lee et al. (2019) with this network's empirical NTK Θ for the dynamics
     * and {@code prior} for the covariance of the initial outputs:
     * {@code K** − A K_X* − K*X Aᵀ + A K_XX Aᵀ}, {@code A = Θ*X Θ⁻¹ (I − e^{−cΘt})}
     * (see {@link GaussianProcessEnsemble}). Its diagonal is the predictive variance of each test output.
     *
     * @param x     test features {@code [nt, ...]}
     * @param t     time ≥ 0 ({@code learningRate · steps}), or {@code +∞}
     * @param prior the covariance kernel of the initial outputs, e.g. {@link PriorKernel#monteCarlo}
     * @return {@code [nt·o, nt·o]}, symmetric PSD, DOUBLE
     */
    public INDArray predictiveCovariance(INDArray x, double t, PriorKernel prior) {
        requireFitted();
        if (prior == null) {
            throw new IllegalArgumentException("prior kernel must not be null");
        }
        INDArray xt = features(x);
        INDArray kxx = prior.flat(trainFeatures, trainFeatures).castTo(DataType.DOUBLE);
        INDArray ktx = prior.flat(xt, trainFeatures).castTo(DataType.DOUBLE);
        INDArray ktt = prior.flat(xt, xt).castTo(DataType.DOUBLE);
        GaussianProcessEnsemble ens = GaussianProcessEnsemble.builder(trainKernel.castTo(DataType.DOUBLE), kxx,
                trainTargets.castTo(DataType.DOUBLE)).rate(gd.rate()).diagReg(diagReg).build();
        return ens.ntkGp(t, testKernel(xt).castTo(DataType.DOUBLE), ktx, ktt).covariance();
    }

    /**
     * Classification metrics of the converged outputs (one-hot labels, MSE-trained).
     *
     * @param data labelled data
     * @return DL4J's {@link Evaluation}
     */
    public Evaluation evaluate(DataSetIterator data) {
        return evaluate(data, -1);
    }

    /**
     * Classification metrics of the outputs after {@code steps} steps ({@code steps < 0}: at convergence).
     *
     * @param data  labelled data
     * @param steps steps, or a negative value for convergence
     * @return DL4J's {@link Evaluation}
     */
    public Evaluation evaluate(DataSetIterator data, long steps) {
        return evaluateWith(new Evaluation(outputs), data, steps);
    }

    /**
     * Regression metrics of the converged outputs.
     *
     * @param data labelled data
     * @return DL4J's {@link RegressionEvaluation}
     */
    public RegressionEvaluation evaluateRegression(DataSetIterator data) {
        return evaluateRegression(data, -1);
    }

    /**
     * Regression metrics of the outputs after {@code steps} steps ({@code steps < 0}: at convergence).
     *
     * @param data  labelled data
     * @param steps steps, or a negative value for convergence
     * @return DL4J's {@link RegressionEvaluation}
     */
    public RegressionEvaluation evaluateRegression(DataSetIterator data, long steps) {
        return evaluateWith(new RegressionEvaluation(outputs), data, steps);
    }

    /** Feeds every batch of {@code data} (labels, outputs after {@code steps} or at convergence) to {@code e}. */
    private <E extends IEvaluation<E>> E evaluateWith(E e, DataSetIterator data, long steps) {
        requireFitted();
        if (data == null) {
            throw new IllegalArgumentException("iterator must not be null");
        }
        if (data.resetSupported()) {
            data.reset();
        }
        while (data.hasNext()) {
            DataSet ds = data.next();
            INDArray out = steps < 0 ? output(ds.getFeatures()) : output(ds.getFeatures(), steps);
            INDArray labels = ds.getLabels();
            if (labels.rank() != 2 || labels.size(1) != outputs) {
                throw new IllegalArgumentException("expected labels [n, " + outputs + "], got "
                        + Arrays.toString(labels.shape()));
            }
            e.eval(labels.castTo(out.dataType()), out);
        }
        return e;
    }

    /**
     * The same fitted linearization with another learning rate for {@link #output(INDArray, long)} (the kernel, f0 and
     * factorizations are shared, not recomputed).
     *
     * @param eta DL4J's Sgd learning rate, &gt; 0
     * @return a new linearized network
     */
    public LinearizedNetwork withLearningRate(double eta) {
        Arguments.requirePositiveFinite(eta, "learningRate");
        LinearizedNetwork copy = new LinearizedNetwork(frozen, eta, diagReg, budget, kernelMode, engine);
        copy.trainFeatures = trainFeatures;
        copy.trainTargets = trainTargets;
        copy.trainInitial = trainInitial;
        copy.trainKernel = trainKernel;
        copy.alpha = alpha;
        copy.singular = singular;
        copy.gd = gd;
        return copy;
    }

    // ------------------------------------------------------------------ accessors

    /** @return the learning rate that {@code steps} refer to */
    public double learningRate() {
        return learningRate;
    }

    /** @return the absolute diagonal regulariser added to the training kernel */
    public double diagReg() {
        return diagReg;
    }

    /** @return FULL (exact kernel) or TRACE ({@code trace kernel ⊗ I}) */
    public OutputMode kernelMode() {
        return kernelMode;
    }

    /** @return o, the number of network outputs */
    public int outputs() {
        return outputs;
    }

    /** @return whether {@link #fit(DataSet)} has run */
    public boolean isFitted() {
        return gd != null;
    }

    /** @return a copy of the training kernel {@code [n·o, n·o]} */
    public INDArray trainKernel() {
        requireFitted();
        return trainKernel.dup();
    }

    /** @return a copy of the network at θ0 (the linearization point): a MultiLayerNetwork or ComputationGraph */
    public Model initialNetwork() {
        return frozen.copy().model();
    }

    /** @return the closed-form predictor on the training set */
    public GradientDescentMse predictor() {
        requireFitted();
        return gd;
    }

    // ------------------------------------------------------------------ persistence

    /**
     * Writes θ0 (the network), the training data, f0, the training kernel and the converged coefficients to a zip;
     * written to a temporary file first and moved into place, so a failure leaves no partial file.
     *
     * @param file destination, e.g. {@code lin.zip}
     * @throws IOException when writing fails
     */
    public void save(File file) throws IOException {
        requireFitted();
        File dir = file.getAbsoluteFile().getParentFile();
        File tmp = File.createTempFile(".ntk4j-linearized", ".tmp", dir);
        try {
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp.toPath()))) {
                Properties p = new Properties();
                p.setProperty("format", FORMAT);
                p.setProperty("learningRate", Double.toString(learningRate));
                p.setProperty("diagReg", Double.toString(diagReg));
                p.setProperty("networkType", frozen.kind());
                p.setProperty("kernelMode", kernelMode.name());
                zip.putNextEntry(new ZipEntry("settings.properties"));
                p.store(zip, "ntk4j linearized network");
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry("network.zip"));
                ByteArrayOutputStream net = new ByteArrayOutputStream();
                ModelSerializer.writeModel(frozen.model(), net, false);
                zip.write(net.toByteArray());
                zip.closeEntry();
                writeArray(zip, "trainFeatures", trainFeatures);
                writeArray(zip, "trainTargets", trainTargets);
                writeArray(zip, "trainInitial", trainInitial);
                writeArray(zip, "trainKernel", trainKernel);
                if (alpha != null) {
                    writeArray(zip, "alpha", alpha);
                }
            }
            Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp.toPath());
        }
    }

    /**
     * Reads a linearized network written by {@link #save(File)}.
     *
     * @param file the zip
     * @return the fitted linearized network
     * @throws IOException when the file cannot be read or is not a linearized network
     */
    public static LinearizedNetwork load(File file) throws IOException {
        Properties p = new Properties();
        byte[] net = null;
        java.util.Map<String, INDArray> arrays = new java.util.HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file.toPath()))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] bytes = zip.readAllBytes();
                String name = e.getName();
                if (name.equals("settings.properties")) {
                    p.load(new java.io.InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.ISO_8859_1));
                } else if (name.equals("network.zip")) {
                    net = bytes;
                } else if (name.endsWith(".npy")) {
                    arrays.put(name.substring(0, name.length() - 4), org.ntk4j.core.io.ArrayFiles.readNpy(
                            new ByteArrayInputStream(bytes), file + ":" + name, bytes.length,
                            org.ntk4j.core.io.ReadOptions.defaults()));
                } else if (name.endsWith(".nd4j")) {
                    // files saved before arrays were stored as .npy
                    arrays.put(name.substring(0, name.length() - 5), readArray(new ByteArrayInputStream(bytes)));
                }
            }
        }
        if (!FORMAT.equals(p.getProperty("format")) || net == null) {
            throw new IOException(file + " is not a linearized network written by ntk4j (format "
                    + p.getProperty("format") + ")");
        }
        for (String k : new String[] {"trainFeatures", "trainTargets", "trainInitial", "trainKernel"}) {
            if (!arrays.containsKey(k)) {
                throw new IOException(file + " lacks " + k + ".npy");
            }
        }
        Linearizable restored;
        try {
            restored = Linearizable.restore(p.getProperty("networkType", "MultiLayerNetwork"), net);
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot restore the network: " + e.getMessage(), e);
        }
        LinearizedNetwork lin = new LinearizedNetwork(restored, Double.parseDouble(p.getProperty("learningRate")),
                Double.parseDouble(p.getProperty("diagReg")), MemoryBudget.defaultBudget(),
                OutputMode.valueOf(p.getProperty("kernelMode", "FULL")), null);
        lin.trainFeatures = arrays.get("trainFeatures");
        lin.trainTargets = arrays.get("trainTargets");
        lin.trainInitial = arrays.get("trainInitial");
        lin.trainKernel = arrays.get("trainKernel");
        lin.alpha = arrays.get("alpha");
        lin.gd = lin.predictor(lin.trainKernel, lin.trainTargets, lin.trainInitial);
        if (lin.alpha == null) {
            try {
                lin.gd.cholesky();
            } catch (NotPositiveDefiniteException e) {
                lin.singular = e;
            }
        }
        return lin;
    }

    private static void writeArray(ZipOutputStream zip, String name, INDArray a) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        org.ntk4j.core.io.ArrayFiles.writeNpy(a, zip);
        zip.closeEntry();
    }

    private static INDArray readArray(InputStream in) throws IOException {
        return Nd4j.read(new DataInputStream(in));
    }

    // ------------------------------------------------------------------ internals

    /** The closed-form predictor of this network's diagReg and rate ({@code 2/(n·o)} when the rate is NaN). */
    private GradientDescentMse predictor(INDArray kernel, INDArray targets, INDArray initial) {
        GradientDescentMse.Builder b = GradientDescentMse.builder(kernel, targets).initialOutputs(initial)
                .diagReg(diagReg);
        if (!Double.isNaN(rate)) {
            b.rate(rate);
        }
        return b.build();
    }

    private void requireFitted() {
        if (gd == null) {
            throw new IllegalStateException("the linearized network is not fitted: call fit(trainSet) first");
        }
    }

    private INDArray features(INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException("features must not be null");
        }
        INDArray xt = x.castTo(type);
        long[] expected = trainFeatures.shape();
        long[] got = xt.shape();
        if (got.length != expected.length || !Arrays.equals(Arrays.copyOfRange(got, 1, got.length),
                Arrays.copyOfRange(expected, 1, expected.length))) {
            long[] e = expected.clone();
            String exp = Arrays.toString(e).replaceFirst("^\\[\\d+", "[n");
            throw new IllegalArgumentException("expected features " + exp + " (as in training), got "
                    + Arrays.toString(got));
        }
        return xt;
    }

    private INDArray testKernel(INDArray xt) {
        long nt = xt.size(0);
        long n = trainFeatures.size(0);
        budget.check("test-train kernel [" + nt * outputs + ", " + n * outputs + "]",
                2 * MemoryBudget.bytes(type, nt * outputs, n * outputs) + engine.workspaceBytes(frozen.model(), nt, n, outputs),
                "predict in smaller batches");
        if (nt == 0) {
            return Nd4j.create(type, 0, n * outputs);
        }
        return engine.flatKernel(frozen.model(), xt, trainFeatures);
    }

    private INDArray frozenOutput(INDArray x) {
        synchronized (frozen.model()) {
            return frozen.output(x).castTo(type).dup();
        }
    }

    private static int outputCount(Linearizable net) {
        org.deeplearning4j.nn.conf.layers.Layer l = net.outputLayerConf();
        if (!(l instanceof BaseOutputLayer)) {
            throw new IllegalArgumentException("the network must end in an output layer with LossMSE (got "
                    + l.getClass().getSimpleName() + ")");
        }
        ILossFunction loss = ((BaseOutputLayer) l).getLossFn();
        if (!(loss instanceof LossMSE) || loss.getClass() != LossMSE.class) {
            throw new IllegalArgumentException("the linearized network has a closed form only for LossMSE (mean "
                    + "squared error), got " + (loss == null ? "no loss" : loss.getClass().getSimpleName())
                    + "; set .lossFunction(LossFunctions.LossFunction.MSE) on the output layer, or integrate the "
                    + "function-space ODE with org.ntk4j.core.predict.FunctionSpaceOde");
        }
        if (((LossMSE) loss).getWeights() != null) {
            throw new IllegalArgumentException("weighted LossMSE is not supported: remove the loss weights");
        }
        return (int) ((BaseOutputLayer) l).getNOut();
    }

    /** Validated builder of {@link LinearizedNetwork}. */
    public static final class Builder {
        private final Model net;
        private Double learningRate;
        private double diagReg;
        private MemoryBudget budget = MemoryBudget.defaultBudget();
        private KernelEngine engine;
        private OutputMode kernelMode = OutputMode.FULL;

        private Builder(Model net) {
            if (net == null) {
                throw new IllegalArgumentException("network must not be null");
            }
            this.net = net;
        }

        /**
         * @param eta DL4J's {@code Sgd} learning rate that {@code steps} refer to, &gt; 0; default: the network's own
         *            {@code Sgd} rate
         * @return this
         */
        public Builder learningRate(double eta) {
            this.learningRate = Arguments.requirePositiveFinite(eta, "learningRate");
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
         * @param b memory budget checked before allocating kernels (default {@link MemoryBudget#defaultBudget()})
         * @return this
         */
        public Builder memoryBudget(MemoryBudget b) {
            if (b == null) {
                throw new IllegalArgumentException("memory budget must not be null");
            }
            this.budget = b;
            return this;
        }

        /**
         * @param mode {@link OutputMode#FULL} (default): the exact kernel with its blocks between outputs;
         *             {@link OutputMode#TRACE}: the cheaper approximation {@code trace kernel ⊗ I} (outputs evolve
         *             independently under the mean-over-outputs kernel)
         * @return this
         */
        public Builder kernelMode(OutputMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("kernel mode must not be null");
            }
            this.kernelMode = mode;
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
            Linearizable adapter = Linearizable.of(net);
            double eta = learningRate != null ? learningRate : sgdRate(adapter);
            Linearizable copy = adapter.copy();
            return new LinearizedNetwork(copy, eta, diagReg, budget, kernelMode, engine);
        }

        private static double sgdRate(Linearizable net) {
            Double found = null;
            for (org.deeplearning4j.nn.api.Layer layer : net.layers()) {
                if (layer.conf().getLayer() instanceof BaseLayer bl) {
                    IUpdater u = bl.getIUpdater();
                    if (!(u instanceof Sgd sgd) || (found != null && found != sgd.getLearningRate())) {
                        throw new IllegalArgumentException("set learningRate(...): the network does not use one Sgd "
                                + "learning rate for every layer (got " + u + ")");
                    }
                    found = sgd.getLearningRate();
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("set learningRate(...): the network has no trainable layer");
            }
            return found;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LinearizedNetwork[outputs=%d, learningRate=%g, diagReg=%g, fitted=%s]",
                outputs, learningRate, diagReg, isFitted());
    }
}
