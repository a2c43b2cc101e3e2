package org.ntk4j.dl4j.listener.internal;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.listener.NtkSink;

import java.util.Arrays;
import java.util.List;

/**
 * The tracking core both NTK listeners share ({@code NtkListener} for DL4J networks, {@code SameDiffNtkListener} for
 * SameDiff graphs): the snapshot schedule, Θ0, the guard against two snapshots of the same iteration, the snapshot
 * log with its spectra, and the sinks. A listener translates its framework's callbacks into {@link #start},
 * {@link #afterUpdate} and {@link #epochEnded}, and gives the tracker a {@link KernelProbe} of its model when it
 * starts. Snapshots are taken on the calling (training) thread, outside ND4J workspaces; the read side
 * ({@link #log()}) may be called from any thread. Not API.
 *
 * <pre>{@code
 * NtkTracker tracker = new NtkTracker("NtkListener", "an NtkListener", options, labels, OutputMode.TRACE);
 * tracker.start(probe, iterationCount, epochCount);   // Θ0: the first snapshot
 * tracker.afterUpdate(iteration + 1, epoch);           // a snapshot when the schedule says so
 * }</pre>
 */
public final class NtkTracker {
    private final String name;
    private final String withArticle;
    private final int everyNIterations;
    private final int everyNEpochs;
    private final List<NtkSink> sinks;
    private final INDArray labels;
    private final OutputMode outputMode;

    // training-thread state
    private KernelProbe probe;
    private long lastIteration = -1;

    // read from any thread
    private final SnapshotLog log = new SnapshotLog();

    /**
     * @param name        the listener's class name, for messages ({@code "NtkListener"})
     * @param withArticle the same with its article ({@code "an NtkListener"})
     * @param options     the schedule and the sinks (read once, here)
     * @param labels      probe labels in DOUBLE ({@link SnapshotOptions#finiteLabels}), or null for no alignment
     * @param outputMode  the mode of the probe's kernels
     */
    public NtkTracker(String name, String withArticle, SnapshotOptions options, INDArray labels, OutputMode outputMode) {
        this.name = name;
        this.withArticle = withArticle;
        this.everyNIterations = options.effectiveEveryNIterations();
        this.everyNEpochs = options.everyNEpochs();
        this.sinks = options.sinks();
        this.labels = labels;
        this.outputMode = outputMode;
    }

    /** @return whether {@link #start} succeeded */
    public boolean started() {
        return probe != null;
    }

    /**
     * Starts tracking with the probe of the observed model and takes the first snapshot, Θ0. When it fails the tracker
     * is not started (a later callback tries again).
     *
     * @param kernelProbe the model's probe, holding its parameters of now
     * @param iteration   the model's iteration count now
     * @param epoch       its epoch count now
     * @throws IllegalArgumentException when the labels do not fit a FULL kernel's {@code o} outputs
     */
    public void start(KernelProbe kernelProbe, long iteration, int epoch) {
        int o = kernelProbe.outputs();
        if (labels != null && outputMode == OutputMode.FULL && (labels.rank() != 2 || labels.size(1) != o)) {
            throw new IllegalArgumentException(name + ": with OutputMode.FULL the probe labels must be [n, o] = ["
                    + labels.size(0) + ", " + o + "] (one column per output) (got: "
                    + Arrays.toString(labels.shape()) + ")");
        }
        this.probe = kernelProbe;
        try {
            snapshot(iteration, epoch);
        } catch (RuntimeException e) {
            this.probe = null;
            throw e;
        }
    }

    /**
     * Called after every parameter update: a snapshot when {@code updates} is a multiple of {@code everyNIterations}.
     *
     * @param updates the number of parameter updates the model has received
     * @param epoch   the epoch count
     */
    public void afterUpdate(long updates, int epoch) {
        if (probe != null && everyNIterations > 0 && updates % everyNIterations == 0) {
            snapshot(updates, epoch);
        }
    }

    /**
     * Called at the end of an epoch: a snapshot at the end of every {@code everyNEpochs}-th.
     *
     * @param epoch     the epoch that ended (0-based)
     * @param iteration the number of parameter updates the model has received
     */
    public void epochEnded(int epoch, long iteration) {
        if (probe != null && everyNEpochs > 0 && (epoch + 1L) % everyNEpochs == 0) {
            snapshot(iteration, epoch);
        }
    }

    @SuppressWarnings("try") // the workspace scope is used for its side effect
    private void snapshot(long iteration, int epoch) {
        if (iteration == lastIteration) {
            return;
        }
        long t0 = System.nanoTime();
        INDArray k;
        SnapshotLog.Measured measured;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            k = probe.kernel();
            measured = log.measure(iteration, epoch, k, probe.outputs(), labels, probe.parameterChange(), t0);
        }
        lastIteration = iteration;
        log.record(k, measured);
        SinkCalls.deliver(sinks, name, iteration, measured.snapshot(), k);
    }

    /** @return the snapshots, spectra and kernels recorded so far (the read side, safe from any thread) */
    public SnapshotLog log() {
        return log;
    }

    /** @return whether probe labels were given */
    public boolean hasLabels() {
        return labels != null;
    }

    /** Closes every sink, also after one fails. */
    public void close() {
        SinkCalls.closeAll(sinks, withArticle);
    }
}
