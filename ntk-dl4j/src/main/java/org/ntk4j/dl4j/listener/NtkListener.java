package org.ntk4j.dl4j.listener;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.solvers.BaseOptimizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.listener.internal.NetworkKernelProbe;
import org.ntk4j.dl4j.listener.internal.NtkTracker;
import org.ntk4j.dl4j.listener.internal.ProbeFeatures;
import org.ntk4j.dl4j.listener.internal.SnapshotOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * A DL4J {@link org.deeplearning4j.optimize.api.TrainingListener} that tracks the empirical NTK of the network it is
 * attached to on a fixed set of probe examples: how far the kernel drifts from its initial value (lazy/kernel regime
 * or feature learning), its spectrum, its alignment with the probe labels, and the largest stable learning rate.
 *
 * <pre>{@code
 * NtkListener ntk = NtkListener.builder(probeFeatures)      // [n, d]: e.g. 128 training examples
 *         .probeLabels(probeLabels)                        // optional, [n, o]: enables the alignment
 *         .kernel(EmpiricalNtk.builder().outputMode(OutputMode.TRACE).build())   // optional: how the kernel is computed
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
 * initial parameters θ0; the history grows by one small record per snapshot, and up to 64 spectra are kept for the
 * report. Starting costs one snapshot and one forward and backward pass of one probe example (to count the outputs,
 * which the kernel computation then reuses).
 *
 * <h2>Shared with the SameDiff listener</h2>
 * Schedule, Θ0, the same-iteration guard, the metrics, the spectra and the sinks are one tracking core shared with
 * {@link org.ntk4j.dl4j.samediff.SameDiffNtkListener}; both are an {@link NtkHistory}, and
 * {@link NtkReport#write(NtkHistory, Path)} draws either.
 *
 * <h2>Threads</h2>
 * Snapshots are taken on the training thread. {@link #history()} and {@link #latest()} may be called from any thread
 * at any time, also while training runs. One listener tracks one network: attaching it to a second network is an error.
 */
public final class NtkListener extends BaseTrainingListener implements NtkHistory, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NtkListener.class);
    private static final String NAME = "NtkListener";

    private final INDArray[] probe;
    private final EmpiricalNtk ntk;
    private final NtkTracker tracker;

    // training-thread state
    private Model model;

    private NtkListener(Builder b) {
        this.probe = b.probe;
        this.ntk = b.kernel();
        this.tracker = new NtkTracker(NAME, "an NtkListener", b.options, b.labels, ntk.outputMode());
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
        tracker.afterUpdate(iteration + 1L, epoch);
    }

    @Override
    public void onEpochEnd(Model model) {
        ensureStarted(model);
        tracker.epochEnded(BaseOptimizer.getEpochCount(model), BaseOptimizer.getIterationCount(model));
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
    @Override
    public List<NtkSnapshot> history() {
        return tracker.log().history();
    }

    /** @return a copy of Θ0 ({@code [n, n]} or {@code [n, n, o, o]}), or null before the listener started */
    @Override
    public INDArray initialKernel() {
        return tracker.log().initialKernel();
    }

    /** @return a copy of the kernel of the latest snapshot, or null before the listener started */
    @Override
    public INDArray latestKernel() {
        return tracker.log().latestKernel();
    }

    /** @return the eigenvalues kept for the report (the first snapshot's, the latest's and up to 62 in between) */
    @Override
    public List<NtkSpectrum> spectra() {
        return tracker.log().spectra();
    }

    /** @return true when the probe labels were given (snapshots then have an alignment) */
    public boolean hasLabels() {
        return tracker.hasLabels();
    }

    /** @return the output mode of the kernels (that of {@link #kernel()}) */
    public OutputMode outputMode() {
        return ntk.outputMode();
    }

    /** @return how the kernels are computed (given with {@link Builder#kernel(EmpiricalNtk)} or the defaults) */
    public EmpiricalNtk kernel() {
        return ntk;
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
        tracker.close();
    }

    // ------------------------------------------------------------------------------------------ internals

    private void ensureStarted(Model m) {
        if (model == m) {
            return;
        }
        if (model != null) {
            throw new IllegalStateException("this NtkListener already tracks a " + model.getClass().getSimpleName()
                    + "; it was also called by another " + m.getClass().getSimpleName()
                    + ": use one NtkListener per network");
        }
        NetworkKernelProbe kernelProbe = NetworkKernelProbe.start(ntk, m, probe, NAME);
        log.debug("NtkListener started on a {}: {} probe examples, {} outputs, {} kernel", m.getClass().getSimpleName(),
                kernelProbe.examples(), kernelProbe.outputs(), ntk.outputMode());
        tracker.start(kernelProbe, BaseOptimizer.getIterationCount(m), BaseOptimizer.getEpochCount(m));
        model = m;
    }

    // ------------------------------------------------------------------------------------------ builder

    /**
     * Validated builder of {@link NtkListener}. Defaults: every 100 iterations, the kernel of
     * {@code EmpiricalNtk.builder().build()} ({@link NtkImplementation#AUTO}, {@link OutputMode#TRACE}, block size
     * 512, the default memory budget), no labels, no sinks (the in-memory history is always kept).
     */
    public static final class Builder {
        private final INDArray[] probe;
        private INDArray labels;
        private final SnapshotOptions options = new SnapshotOptions();
        private EmpiricalNtk kernel;
        /** The deprecated kernel settings, applied to a default EmpiricalNtk when {@link #kernel} is not given. */
        private final EmpiricalNtk.Builder legacy = EmpiricalNtk.builder();
        private String legacySetting;

        private Builder(INDArray[] features) {
            this.probe = ProbeFeatures.copy(features);
        }

        /**
         * @param probeLabels the targets of the probe examples, {@code [n]} or {@code [n, c]} (copied); enables the
         *                    centred kernel–target alignment. With {@link OutputMode#FULL} they must be {@code [n, o]}
         * @return this
         */
        public Builder probeLabels(INDArray probeLabels) {
            this.labels = SnapshotOptions.probeLabels(probeLabels, probe[0].size(0), -1);
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
         * @param ntk how the kernel is computed: implementation, output mode (TRACE {@code [n, n]}; FULL
         *            {@code [n, n, o, o]}, exact stable learning rate, about o² times the kernel memory and o³ times
         *            the eigenvalue cost), block size, memory budget and chosen outputs. Default
         *            {@code EmpiricalNtk.builder().build()}. Replaces the deprecated {@link #implementation},
         *            {@link #outputMode}, {@link #blockSize} and {@link #memoryBudgetBytes}, which cannot be combined
         *            with it
         * @return this
         */
        public Builder kernel(EmpiricalNtk ntk) {
            Checks.notNull("kernel", ntk);
            if (legacySetting != null) {
                throw conflict(legacySetting);
            }
            this.kernel = ntk;
            return this;
        }

        /**
         * @param implementation how the kernel is computed (default AUTO)
         * @return this
         * @deprecated use {@link #kernel(EmpiricalNtk)} with {@code EmpiricalNtk.builder().implementation(...)}
         */
        @Deprecated
        public Builder implementation(NtkImplementation implementation) {
            legacy.implementation(Checks.notNull("implementation", implementation));
            return legacy("implementation");
        }

        /**
         * @param outputMode TRACE (default: {@code [n, n]}, mean over outputs) or FULL ({@code [n, n, o, o]}; exact
         *                   stable learning rate, about o² times the kernel memory and o³ times the eigenvalue cost)
         * @return this
         * @deprecated use {@link #kernel(EmpiricalNtk)} with {@code EmpiricalNtk.builder().outputMode(...)}
         */
        @Deprecated
        public Builder outputMode(OutputMode outputMode) {
            legacy.outputMode(Checks.notNull("outputMode", outputMode));
            return legacy("outputMode");
        }

        /**
         * @param blockSize examples per kernel tile, ≥ 1 (default 512)
         * @return this
         * @deprecated use {@link #kernel(EmpiricalNtk)} with {@code EmpiricalNtk.builder().blockSize(...)}
         */
        @Deprecated
        public Builder blockSize(int blockSize) {
            legacy.blockSize(Checks.atLeastOne("blockSize", blockSize));
            return legacy("blockSize");
        }

        /**
         * @param bytes memory budget of one kernel computation, &gt; 0 (default: half the off-heap limit)
         * @return this
         * @deprecated use {@link #kernel(EmpiricalNtk)} with {@code EmpiricalNtk.builder().memoryBudgetBytes(...)}
         */
        @Deprecated
        public Builder memoryBudgetBytes(long bytes) {
            legacy.memoryBudgetBytes(Checks.positive("memoryBudgetBytes", bytes));
            return legacy("memoryBudgetBytes");
        }

        private Builder legacy(String setting) {
            if (kernel != null) {
                throw conflict(setting);
            }
            if (legacySetting == null) {
                legacySetting = setting;
            }
            return this;
        }

        private static IllegalArgumentException conflict(String setting) {
            return new IllegalArgumentException(setting + "(...) and kernel(EmpiricalNtk) both given (got: both): set "
                    + setting + " on the EmpiricalNtk, EmpiricalNtk.builder()." + setting + "(...), and pass only kernel(...)");
        }

        /**
         * @param sink receives every snapshot (see {@link NtkSinks}); may be called several times
         * @return this
         */
        public Builder sink(NtkSink sink) {
            options.sink(sink);
            return this;
        }

        private EmpiricalNtk kernel() {
            return kernel != null ? kernel : legacy.build();
        }

        /** @return the listener */
        public NtkListener build() {
            return new NtkListener(this);
        }
    }
}
