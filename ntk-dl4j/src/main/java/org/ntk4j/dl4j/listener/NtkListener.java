package org.ntk4j.dl4j.listener;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.listener.internal.SinkCalls;
import org.ntk4j.dl4j.listener.internal.SnapshotLog;
import org.ntk4j.dl4j.listener.internal.SnapshotOptions;
import org.ntk4j.dl4j.network.NetworkAdapters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A DL4J {@link org.deeplearning4j.optimize.api.TrainingListener} that tracks the empirical NTK of the network it is
 * attached to on a fixed set of probe examples: how far the kernel drifts from its initial value (lazy/kernel regime
 * or feature learning), its spectrum, its alignment with the probe labels, and the largest stable learning rate.
 *
 * <pre>{@code
 * NtkListener ntk = NtkListener.builder(probeFeatures)      // [n, d]: e.g. 128 training examples
 *         .probeLabels(probeLabels)                        // optional, [n, o]: enables the alignment
 *         .everyNIterations(100)
 *         .sink(NtkSinks.csv(Path.of("out/ntk.csv")))
 *         .sink(NtkSinks.log())
 *         .build();
 * net.addListeners(ntk);
 * net.fit(trainIterator, 10);
 * List<NtkSnapshot> history = ntk.history();
 * ntk.writeReport(Path.of("out/ntk-report"));                // PNG plots + CSV
 * }</pre>
 *
 * <h2>When snapshots are taken</h2>
 * <ul>
 *   <li><b>Θ0</b>, the reference of the drift, is the kernel at the parameters the network has when the listener first
 *   hears from it: at {@code onEpochStart} for {@code fit(DataSetIterator)}, at {@code onGradientCalculation} for
 *   {@code fit(DataSet)} and the other fit methods. DL4J calls both before the first parameter update of that fit, so
 *   for a new network Θ0 is the kernel at initialisation. For a network that trained before the listener was added,
 *   "initial" means "when the listener started". {@link #initialize(Model)} takes Θ0 immediately instead. This first
 *   snapshot is in the history, with drift 0.</li>
 *   <li>{@link Builder#everyNIterations(int) everyNIterations(k)}: after every parameter update that brings DL4J's
 *   iteration count to a multiple of k (in {@code iterationDone}, which DL4J calls after the update).</li>
 *   <li>{@link Builder#everyNEpochs(int) everyNEpochs(k)}: at the end of every k-th epoch ({@code onEpochEnd}; DL4J
 *   signals epochs for {@code fit(DataSetIterator)} and {@code fit(MultiDataSetIterator)} only).</li>
 *   <li>Both may be combined; two snapshots of the same parameters (same iteration count) are never taken. Without
 *   either, the default is every 100 iterations.</li>
 * </ul>
 *
 * <h2>It does not change training</h2>
 * The kernel is computed by {@link EmpiricalNtk}, on a private twin network that reads the parameter array and never
 * writes it, outside DL4J's workspaces, without ND4J's random generator (so dropout masks are unchanged); the listener
 * only reads the parameters. Final parameters are bit-identical with and without the listener.
 *
 * <h2>Cost</h2>
 * One snapshot costs about one forward and {@code o} backward passes of the {@code n} probe examples plus the kernel
 * contraction ({@code ≈ n²·o·Σ widths}) and an {@code O(N³)} eigendecomposition of the {@code N×N} kernel matrix
 * ({@code N = n} for TRACE, {@code n·o} for FULL). The listener keeps Θ0, the previous kernel and a copy of the
 * initial parameters; the history grows by one small record per snapshot.
 *
 * <h2>Threads</h2>
 * Snapshots are taken on the training thread. {@link #history()} and {@link #latest()} may be called from any thread
 * at any time, also while training runs. One listener tracks one network: attaching it to a second network is an error.
 */
public final class NtkListener extends BaseTrainingListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NtkListener.class);
    private static final int MAX_KEPT_SPECTRA = 64;

    private final INDArray[] probe;
    private final INDArray labels;
    private final int everyNIterations;
    private final int everyNEpochs;
    private final EmpiricalNtk ntk;
    private final OutputMode outputMode;
    private final List<NtkSink> sinks;

    // training-thread state
    private Model model;
    private INDArray[] probeForNet;
    private INDArray labelsD;
    private int outputs;
    private INDArray theta0;
    private double theta0Norm;
    private long lastIteration = -1;

    // read from any thread
    private final SnapshotLog snapshots = new SnapshotLog();
    private final List<Spectrum> spectra = new ArrayList<>();

    /** Eigenvalues (largest first) of one snapshot's kernel, kept for the report. */
    record Spectrum(long iteration, double[] eigenvalues) {
    }

    private NtkListener(Builder b) {
        this.probe = b.probe;
        this.labels = b.labels;
        this.everyNEpochs = b.options.everyNEpochs();
        this.everyNIterations = b.options.effectiveEveryNIterations();
        EmpiricalNtk.Builder eb = EmpiricalNtk.builder().implementation(b.implementation).outputMode(b.outputMode)
                .blockSize(b.blockSize);
        if (b.memoryBudgetBytes > 0) {
            eb.memoryBudgetBytes(b.memoryBudgetBytes);
        }
        this.ntk = eb.build();
        this.outputMode = b.outputMode;
        this.sinks = b.options.sinks();
    }

    /**
     * @param probeFeatures the probe examples {@code [n, ...]} (copied); n ≥ 1, finite. A few dozen to a few hundred
     *                      training examples are typical
     * @return a builder
     */
    public static Builder builder(INDArray probeFeatures) {
        return new Builder(new INDArray[]{probeFeatures});
    }

    /**
     * @param probeFeatures one array per network input (ComputationGraphs with several inputs), each {@code [n, ...]}
     * @return a builder
     */
    public static Builder builder(INDArray[] probeFeatures) {
        return new Builder(probeFeatures);
    }

    /**
     * @param probe probe features and labels (the labels enable the alignment)
     * @return a builder
     */
    public static Builder builder(org.nd4j.linalg.dataset.api.DataSet probe) {
        if (probe == null) {
            throw new IllegalArgumentException("probe DataSet must not be null (got: null)");
        }
        Builder b = new Builder(new INDArray[]{probe.getFeatures()});
        if (probe.getLabels() != null) {
            b.probeLabels(probe.getLabels());
        }
        return b;
    }

    // ------------------------------------------------------------------------------------------ DL4J callbacks

    @Override
    public void onEpochStart(Model model) {
        ensureStarted(model);
    }

    @Override
    public void onGradientCalculation(Model model) {
        ensureStarted(model);
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        ensureStarted(model);
        long updates = iteration + 1L;
        if (everyNIterations > 0 && updates % everyNIterations == 0) {
            snapshot(model, updates, epoch);
        }
    }

    @Override
    public void onEpochEnd(Model model) {
        ensureStarted(model);
        int epoch = BaseOptimizer.getEpochCount(model);
        if (everyNEpochs > 0 && (epoch + 1L) % everyNEpochs == 0) {
            snapshot(model, BaseOptimizer.getIterationCount(model), epoch);
        }
    }

    // ------------------------------------------------------------------------------------------ public API

    /**
     * Takes Θ0 now, at the network's current parameters (otherwise it is taken at the first training callback).
     * Does nothing if this listener has already started on this network.
     *
     * @param model the MultiLayerNetwork or ComputationGraph the listener will be attached to
     * @throws IllegalArgumentException when the probe does not fit the network
     * @throws IllegalStateException    when the listener already tracks another network
     */
    public void initialize(Model model) {
        ensureStarted(model);
    }

    /** @return an immutable copy of every snapshot so far, oldest first; safe to call from any thread */
    public List<NtkSnapshot> history() {
        return snapshots.history();
    }

    /** @return the most recent snapshot, if any; safe to call from any thread */
    public Optional<NtkSnapshot> latest() {
        return snapshots.latest();
    }

    /** @return a copy of Θ0 ({@code [n, n]} or {@code [n, n, o, o]}), or null before the listener started */
    public INDArray initialKernel() {
        return snapshots.initialKernel();
    }

    /** @return a copy of the kernel of the latest snapshot, or null before the listener started */
    public INDArray latestKernel() {
        return snapshots.latestKernel();
    }

    /** @return true when the probe labels were given (snapshots then have an alignment) */
    public boolean hasLabels() {
        return labels != null;
    }

    /** @return the output mode of the kernels */
    public OutputMode outputMode() {
        return outputMode;
    }

    /**
     * Writes PNG plots of the history (drift, spectrum, eigenvalues over training, alignment when labels were given)
     * and the history as CSV into a directory. See {@link NtkReport}.
     *
     * @param directory created if missing
     * @return what was written
     */
    public NtkReport writeReport(Path directory) {
        return NtkReport.write(this, directory);
    }

    /** Closes the sinks (flushing files). The listener keeps working; file sinks reopen and append if needed. */
    @Override
    public void close() {
        SinkCalls.closeAll(sinks, "an NtkListener");
    }

    /** @return the eigenvalues kept for the report (the first snapshot's, the latest's and up to 62 in between) */
    List<Spectrum> spectra() {
        return snapshots.locked(() -> List.copyOf(spectra));
    }

    // ------------------------------------------------------------------------------------------ internals

    @SuppressWarnings("try") // the workspace scope is used for its side effect
    private void ensureStarted(Model m) {
        if (model == m) {
            return;
        }
        if (model != null) {
            throw new IllegalStateException("this NtkListener already tracks a " + model.getClass().getSimpleName()
                    + "; it was also called by another " + m.getClass().getSimpleName()
                    + ": use one NtkListener per network");
        }
        DataType type = NetworkAdapters.of(m).dataType();
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray[] x = new INDArray[probe.length];
            for (int i = 0; i < probe.length; i++) {
                x[i] = probe[i].castTo(type);
            }
            int o;
            try {
                INDArray[] one = new INDArray[x.length];
                for (int i = 0; i < x.length; i++) {
                    one[i] = x[i].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)).dup();
                }
                INDArray k1 = EmpiricalNtk.builder().implementation(ntk.implementation()).outputMode(OutputMode.FULL)
                        .build().compute(m, one, null);
                o = (int) k1.size(2);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("NtkListener: the probe does not fit the network: " + e.getMessage(), e);
            }
            if (labels != null && outputMode == OutputMode.FULL && (labels.rank() != 2 || labels.size(1) != o)) {
                throw new IllegalArgumentException("NtkListener: with OutputMode.FULL the probe labels must be [n, o] = ["
                        + labels.size(0) + ", " + o + "] (one column per network output), got "
                        + Arrays.toString(labels.shape()));
            }
            this.probeForNet = x;
            this.outputs = o;
            this.labelsD = labels == null ? null : labels.castTo(DataType.DOUBLE);
            this.theta0 = m.params().dup();
            this.theta0Norm = theta0.norm2Number().doubleValue();
            this.model = m;
            log.debug("NtkListener started on a {}: {} probe examples, {} outputs, {} kernel", m.getClass().getSimpleName(),
                    x[0].size(0), o, outputMode);
        }
        try {
            snapshot(m, BaseOptimizer.getIterationCount(m), BaseOptimizer.getEpochCount(m));
        } catch (RuntimeException e) {
            model = null;
            throw e;
        }
    }

    @SuppressWarnings("try") // the workspace scope is used for its side effect
    private void snapshot(Model m, long iteration, int epoch) {
        if (iteration == lastIteration) {
            return;
        }
        long t0 = System.nanoTime();
        NtkSnapshot s;
        INDArray k;
        double[] eigenvalues;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            k = ntk.compute(m, probeForNet, null);
            double dtheta = theta0Norm > 0 ? m.params().distance2(theta0) / theta0Norm : Double.NaN;
            SnapshotLog.Measured measured = snapshots.measure(iteration, epoch, k, outputs, labelsD, dtheta, t0);
            s = measured.snapshot();
            eigenvalues = measured.eigenvalues();
        }
        lastIteration = iteration;
        snapshots.record(k, s, eigenvalues == null ? null : () -> {
            spectra.add(new Spectrum(iteration, eigenvalues));
            thinSpectra();
        });
        SinkCalls.deliver(sinks, "NtkListener", iteration, s, k);
    }

    /** Keeps at most MAX_KEPT_SPECTRA: drops every second one between the first and the latest. */
    private void thinSpectra() {
        if (spectra.size() <= MAX_KEPT_SPECTRA) {
            return;
        }
        List<Spectrum> kept = new ArrayList<>();
        for (int i = 0; i < spectra.size(); i++) {
            if (i % 2 == 0 || i == spectra.size() - 1) {
                kept.add(spectra.get(i));
            }
        }
        spectra.clear();
        spectra.addAll(kept);
    }

    // ------------------------------------------------------------------------------------------ builder

    /**
     * Validated builder of {@link NtkListener}. Defaults: every 100 iterations, {@link NtkImplementation#AUTO},
     * {@link OutputMode#TRACE}, block size 512, the default memory budget, no labels, no sinks (the in-memory history
     * is always kept).
     */
    public static final class Builder {
        private final INDArray[] probe;
        private INDArray labels;
        private final SnapshotOptions options = new SnapshotOptions();
        private NtkImplementation implementation = NtkImplementation.AUTO;
        private OutputMode outputMode = OutputMode.TRACE;
        private int blockSize = 512;
        private long memoryBudgetBytes;

        @SuppressWarnings("try") // the workspace scope is used for its side effect
        private Builder(INDArray[] features) {
            if (features == null || features.length == 0) {
                throw new IllegalArgumentException("probeFeatures must not be null or empty (got: "
                        + (features == null ? "null" : "no arrays") + ")");
            }
            INDArray[] copy = new INDArray[features.length];
            long n = -1;
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                for (int i = 0; i < features.length; i++) {
                    INDArray f = features[i];
                    String name = features.length == 1 ? "probeFeatures" : "probeFeatures[" + i + "]";
                    if (f == null) {
                        throw new IllegalArgumentException(name + " must not be null (got: null)");
                    }
                    if (f.rank() < 2 || f.size(0) < 1) {
                        throw new IllegalArgumentException(name + ": expected [n, ...] with n >= 1 examples along"
                                + " dimension 0, got shape " + Arrays.toString(f.shape()));
                    }
                    if (!f.dataType().isFPType() && !f.dataType().isIntType()) {
                        throw new IllegalArgumentException(name + ": expected numeric features, got " + f.dataType());
                    }
                    if (n >= 0 && f.size(0) != n) {
                        throw new IllegalArgumentException("probeFeatures: every input needs the same number of examples,"
                                + " got " + n + " and " + f.size(0) + " (input " + i + ")");
                    }
                    n = f.size(0);
                    if (f.dataType().isFPType() && !Checks.finite(f)) {
                        throw new IllegalArgumentException(name + " contains NaN or infinite values (got: shape "
                                + Arrays.toString(f.shape()) + ")");
                    }
                    copy[i] = f.dup();
                }
            }
            this.probe = copy;
        }

        /**
         * @param probeLabels the targets of the probe examples, {@code [n]} or {@code [n, c]} (copied); enables the
         *                    centred kernel–target alignment. With {@link OutputMode#FULL} they must be {@code [n, o]}
         * @return this
         */
        public Builder probeLabels(INDArray probeLabels) {
            if (probeLabels == null) {
                throw new IllegalArgumentException("probeLabels must not be null (got: null); omit the call for no labels");
            }
            long n = probe[0].size(0);
            if (probeLabels.rank() < 1 || probeLabels.rank() > 2 || probeLabels.size(0) != n) {
                throw new IllegalArgumentException("probeLabels: expected [" + n + "] or [" + n + ", c] (one row per"
                        + " probe example), got " + Arrays.toString(probeLabels.shape()));
            }
            if (!probeLabels.dataType().isNumerical()) {
                throw new IllegalArgumentException("probeLabels: expected numeric labels, got " + probeLabels.dataType());
            }
            this.labels = SnapshotOptions.finiteLabels(probeLabels);
            return this;
        }

        /**
         * @param n take a snapshot after every n-th parameter update, n ≥ 1
         * @return this
         */
        public Builder everyNIterations(int n) {
            options.everyNIterations(n);
            return this;
        }

        /**
         * @param n take a snapshot at the end of every n-th epoch, n ≥ 1
         * @return this
         */
        public Builder everyNEpochs(int n) {
            options.everyNEpochs(n);
            return this;
        }

        /**
         * @param implementation how the kernel is computed (default AUTO)
         * @return this
         */
        public Builder implementation(NtkImplementation implementation) {
            this.implementation = Checks.notNull("implementation", implementation);
            return this;
        }

        /**
         * @param outputMode TRACE (default: {@code [n, n]}, mean over outputs) or FULL ({@code [n, n, o, o]}; exact
         *                   stable learning rate, about o² times the kernel memory and o³ times the eigenvalue cost)
         * @return this
         */
        public Builder outputMode(OutputMode outputMode) {
            this.outputMode = Checks.notNull("outputMode", outputMode);
            return this;
        }

        /**
         * @param blockSize examples per kernel tile, ≥ 1 (default 512)
         * @return this
         */
        public Builder blockSize(int blockSize) {
            this.blockSize = Checks.atLeastOne("blockSize", blockSize);
            return this;
        }

        /**
         * @param bytes memory budget of one kernel computation, &gt; 0 (default: half the off-heap limit)
         * @return this
         */
        public Builder memoryBudgetBytes(long bytes) {
            this.memoryBudgetBytes = Checks.positive("memoryBudgetBytes", bytes);
            return this;
        }

        /**
         * @param sink receives every snapshot (see {@link NtkSinks}); may be called several times
         * @return this
         */
        public Builder sink(NtkSink sink) {
            options.sink(sink);
            return this;
        }

        /** @return the listener */
        public NtkListener build() {
            return new NtkListener(this);
        }
    }
}
