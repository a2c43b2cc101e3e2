package org.ntk4j.dl4j.samediff;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.ListenerResponse;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.listeners.records.LossCurve;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.kernel.KernelMetrics;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.listener.NtkHistory;
import org.ntk4j.dl4j.listener.NtkListener;
import org.ntk4j.dl4j.listener.NtkReport;
import org.ntk4j.dl4j.listener.NtkSink;
import org.ntk4j.dl4j.listener.NtkSinks;
import org.ntk4j.dl4j.listener.NtkSnapshot;
import org.ntk4j.dl4j.listener.NtkSpectrum;
import org.ntk4j.dl4j.listener.internal.NtkTracker;
import org.ntk4j.dl4j.listener.internal.ProbeFeatures;
import org.ntk4j.dl4j.listener.internal.SnapshotOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * A SameDiff {@link org.nd4j.autodiff.listeners.Listener} that tracks the NTK of fixed probe features while
 * {@code sd.fit(...)} trains: the SameDiff counterpart of {@link NtkListener}. It produces the same
 * {@link NtkSnapshot}s (drift from Θ0, change since the previous snapshot, trace, spectrum, effective rank, centred
 * alignment with the probe labels, relative parameter change, maximum stable learning rate, cost), computed by the
 * same {@link KernelMetrics}, and feeds the same {@link NtkSink}s ({@link NtkSinks#csv}, {@link NtkSinks#jsonLines},
 * {@link NtkSinks#log()}, {@link NtkSinks#npy}).
 *
 * <pre>{@code
 * SameDiffNtk ntk = SameDiffNtk.of(sd, "input", "output");       // the graph that sd.fit trains
 * SameDiffNtkListener listener = SameDiffNtkListener.builder(ntk, probeFeatures)   // [n, d, ...]
 *         .probeLabels(probeLabels)                              // optional, [n] or [n, c]: enables the alignment
 *         .everyNIterations(10)
 *         .sink(NtkSinks.csv(Path.of("out/ntk.csv")))
 *         .build();
 * sd.setListeners(listener);
 * sd.fit(trainIterator, epochs);
 * listener.close();                                              // flushes the file sinks
 * List<NtkSnapshot> history = listener.history();
 * listener.writeReport(Path.of("out/ntk-report"));               // PNG plots + CSV, as for NtkListener
 * }</pre>
 *
 * <p>Schedule, Θ0, the same-iteration guard, the metrics, the spectra and the sinks are one tracking core shared with
 * {@link NtkListener}: this class only translates SameDiff's callbacks. Both are an {@link NtkHistory}.
 *
 * <h2>When snapshots are taken</h2>
 * <ul>
 *   <li><b>Θ0</b>, the reference of the drift, is the kernel at the parameters the graph has when the listener first
 *   hears from it ({@code epochStart} or {@code iterationStart}, before the first parameter update of that fit), or
 *   when {@link #initialize(SameDiff)} is called. This first snapshot is in the history, with drift 0.</li>
 *   <li>{@link Builder#everyNIterations(int) everyNIterations(k)}: after every parameter update that brings SameDiff's
 *   iteration count ({@code TrainingConfig.getIterationCount()}, counted over all {@code fit} calls) to a multiple of
 *   k.</li>
 *   <li>{@link Builder#everyNEpochs(int) everyNEpochs(k)}: at the end of every k-th epoch; SameDiff signals epochs
 *   for {@code fit(iterator, epochs)} only, not for {@code fit(DataSet)}.</li>
 *   <li>Both may be combined; two snapshots of the same iteration count are never taken. Without either, the default
 *   is every 100 iterations.</li>
 * </ul>
 * {@link NtkSnapshot#iteration()} is the number of parameter updates the graph had received,
 * {@link NtkSnapshot#epoch()} SameDiff's epoch count (0-based; at an epoch end, the epoch that ended), and
 * {@link NtkSnapshot#parameterChange()} is {@code ‖θt − θ0‖₂ / ‖θ0‖₂} over all floating point trainable
 * ({@code VARIABLE}) variables of the graph, the variables {@code sd.fit} updates.
 * {@link NtkSnapshot#maxStableLearningRate()} is {@code n·o/λmax}, the normalisation of
 * {@code sd.loss.meanSquaredError} with its default reduction (the mean over all {@code n·o} entries).
 *
 * <h2>It does not change training</h2>
 * The kernel is computed by the {@link SameDiffNtk}, which by default works on its own copy of the graph and only
 * reads the trainable variables; the listener reads parameters, never writes them, works outside ND4J workspaces and
 * does not use ND4J's random generator. The parameters after {@code fit} are bit-identical with and without the
 * listener (tested, FLOAT and DOUBLE) — provided the graph's forward pass draws no random numbers (e.g. dropout).
 *
 * <h2>Threads</h2>
 * Snapshots are taken on the training thread. {@link #history()} and {@link #latest()} may be called from any thread
 * at any time. One listener tracks the graph its {@link SameDiffNtk} was built on; being called by another graph is an
 * error.
 */
public final class SameDiffNtkListener extends BaseListener implements NtkHistory, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SameDiffNtkListener.class);

    private final SameDiffNtk ntk;
    private final INDArray probe;
    private final NtkTracker tracker;

    private SameDiffNtkListener(Builder b) {
        this.ntk = b.ntk;
        this.probe = b.probe;
        this.tracker = new NtkTracker("SameDiffNtkListener", "a SameDiffNtkListener", b.options, b.labels,
                ntk.outputMode());
    }

    /**
     * @param ntk           the NTK of the graph that will be trained (built with {@link SameDiffNtk#of} or
     *                      {@link SameDiffNtk#builder} on that graph); its output mode decides TRACE or FULL kernels
     * @param probeFeatures the probe examples {@code [n, d, ...]} (copied), n ≥ 1, finite, fitting the graph's input
     * @return a builder
     */
    public static Builder builder(SameDiffNtk ntk, INDArray probeFeatures) {
        return new Builder(ntk, probeFeatures);
    }

    // ------------------------------------------------------------------------------------------ SameDiff callbacks

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void epochStart(SameDiff sd, At at) {
        ensureStarted(sd, at.epoch());
    }

    @Override
    public void iterationStart(SameDiff sd, At at, MultiDataSet data, long etlMs) {
        if (at.operation() == null || at.operation() == Operation.TRAINING) {
            ensureStarted(sd, at.epoch());
        }
    }

    /** SameDiff calls this with its gradient function after the update of iteration {@code at.iteration()}. */
    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, Loss loss) {
        tracker.afterUpdate(at.iteration() + 1L, at.epoch());
    }

    @Override
    public ListenerResponse epochEnd(SameDiff sd, At at, LossCurve lossCurve, long epochTimeMillis) {
        ensureStarted(sd, at.epoch());
        tracker.epochEnded(at.epoch(), sd.getTrainingConfig().getIterationCount());
        return ListenerResponse.CONTINUE;
    }

    // ------------------------------------------------------------------------------------------ public API

    /**
     * Takes Θ0 now, at the graph's current parameters (otherwise it is taken at the first training callback). Does
     * nothing if the listener has already started.
     *
     * @param sd the graph the listener's {@link SameDiffNtk} was built on
     * @throws IllegalStateException when {@code sd} is another graph
     */
    public void initialize(SameDiff sd) {
        ensureStarted(sd, sd.getTrainingConfig() == null ? 0 : sd.getTrainingConfig().getEpochCount());
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

    /** @return true when probe labels were given (snapshots then have an alignment) */
    public boolean hasLabels() {
        return tracker.hasLabels();
    }

    /** @return the output mode of the kernels (that of the {@link SameDiffNtk}) */
    public OutputMode outputMode() {
        return ntk.outputMode();
    }

    /**
     * Writes PNG plots of the history (drift, spectrum, eigenvalues over training, alignment when labels were given)
     * and the history as CSV into a directory, as {@link NtkListener#writeReport} does. See {@link NtkReport}.
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

    private void ensureStarted(SameDiff sd, int epoch) {
        if (sd != ntk.sourceGraph()) {
            throw new IllegalStateException("this SameDiffNtkListener tracks the graph its SameDiffNtk was built on;"
                    + " it was called by another SameDiff: build one SameDiffNtk and one listener per graph");
        }
        if (tracker.started()) {
            return;
        }
        long iteration = sd.getTrainingConfig() == null ? 0 : sd.getTrainingConfig().getIterationCount();
        LOG.debug("SameDiffNtkListener started: {} probe examples, {} outputs, {} kernel, at iteration {}",
                probe.size(0), ntk.numOutputs(), ntk.outputMode(), iteration);
        tracker.start(SameDiffKernelProbe.start(ntk, probe), iteration, epoch);
    }

    // ------------------------------------------------------------------------------------------ builder

    /**
     * Validated builder of {@link SameDiffNtkListener}. Defaults: every 100 iterations, no labels, no sinks (the
     * in-memory history is always kept). Kernel options (output mode, implementation, block size, memory budget) are
     * those of the {@link SameDiffNtk}.
     */
    public static final class Builder {
        private final SameDiffNtk ntk;
        private final INDArray probe;
        private INDArray labels;
        private final SnapshotOptions options = new SnapshotOptions();

        @SuppressWarnings("try") // the workspace scope is used for its side effect
        private Builder(SameDiffNtk ntk, INDArray features) {
            Checks.notNull("ntk", ntk);
            Checks.notNull("probeFeatures", features);
            INDArray copy = ProbeFeatures.copy(new INDArray[]{features})[0];
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                ntk.compute(copy.get(NDArrayIndex.interval(0, 1)).dup());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SameDiffNtkListener: the probe does not fit the graph: "
                        + e.getMessage(), e);
            }
            this.probe = copy;
            this.ntk = ntk;
        }

        /**
         * @param probeLabels the targets of the probe examples (copied): {@code [n]} or {@code [n, c]} for a TRACE
         *                    kernel, {@code [n, o]} for a FULL one; enables the centred kernel–target alignment
         * @return this
         */
        public Builder probeLabels(INDArray probeLabels) {
            int full = ntk.outputMode() == OutputMode.FULL ? ntk.numOutputs() : -1;
            this.labels = SnapshotOptions.probeLabels(probeLabels, probe.size(0), full);
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
         * @param n take a snapshot at the end of every n-th epoch, n ≥ 1 ({@code fit(iterator, epochs)} only)
         * @return this
         */
        public Builder everyNEpochs(int n) {
            options.everyNEpochs(n);
            return this;
        }

        /**
         * @param sink receives every snapshot and its kernel (see {@link NtkSinks}); may be called several times
         * @return this
         */
        public Builder sink(NtkSink sink) {
            options.sink(sink);
            return this;
        }

        /** @return the listener */
        public SameDiffNtkListener build() {
            return new SameDiffNtkListener(this);
        }
    }
}
