package org.ntk4j.dl4j.samediff;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Loss;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.samediff.internal.KernelMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * A SameDiff {@link org.nd4j.autodiff.listeners.Listener} that records the NTK of fixed probe features while
 * {@code sd.fit(...)} trains.
 *
 * <p>It takes a snapshot before the first parameter update it sees (the reference {@code Θ0}) and then after every
 * {@code N}-th update (counting SameDiff's iterations: after iteration {@code t}, {@code t + 1} updates were applied).
 * Each {@link SameDiffNtkSnapshot} holds the trace, the norm, the relative drift {@code ‖Θt − Θ0‖_F / ‖Θ0‖_F}, the
 * extreme eigenvalues and, with probe labels, the kernel–target alignment. The kernel is computed by a
 * {@link SameDiffNtk} working on its own copy of the graph: training is not changed (the parameters after
 * {@code fit} are bit-identical with and without the listener), provided the graph's forward pass does not draw random
 * numbers (e.g. dropout).
 *
 * <pre>{@code
 * SameDiffNtk ntk = SameDiffNtk.of(sd, "input", "output");
 * SameDiffNtkListener listener = SameDiffNtkListener.builder(ntk, probeFeatures).everyNIterations(10).build();
 * sd.setListeners(listener);
 * sd.fit(trainIterator, epochs);
 * List<SameDiffNtkSnapshot> history = listener.history();
 * }</pre>
 */
public final class SameDiffNtkListener extends BaseListener {
    private static final Logger LOG = LoggerFactory.getLogger(SameDiffNtkListener.class);

    private final SameDiffNtk ntk;
    private final INDArray probe;
    private final INDArray probeLabels;
    private final int every;
    private final boolean keepKernels;
    private final List<Consumer<SameDiffNtkSnapshot>> sinks;
    private final List<SameDiffNtkSnapshot> history = new ArrayList<>();
    private INDArray reference;
    private long lastIteration = Long.MIN_VALUE;

    private SameDiffNtkListener(Builder b) {
        this.ntk = b.ntk;
        this.probe = b.probe.dup();
        this.probeLabels = b.labels == null ? null : b.labels.dup();
        this.every = b.every;
        this.keepKernels = b.keepKernels;
        this.sinks = List.copyOf(b.sinks);
    }

    /**
     * @param ntk           the NTK of the graph being trained (built with {@link SameDiffNtk#of} on that graph)
     * @param probeFeatures the features the kernel is computed on, {@code [n, d, ...]}
     * @return a builder (every 10 iterations, no labels, kernels not kept, no sinks)
     */
    public static Builder builder(SameDiffNtk ntk, INDArray probeFeatures) {
        return new Builder(ntk, probeFeatures);
    }

    @Override
    public boolean isActive(Operation operation) {
        return operation == Operation.TRAINING;
    }

    @Override
    public void iterationStart(SameDiff sd, At at, MultiDataSet data, long etlMs) {
        if (reference == null) {
            record(at.iteration(), at.epoch());
        }
    }

    @Override
    public void iterationDone(SameDiff sd, At at, MultiDataSet dataSet, Loss loss) {
        long updates = (long) at.iteration() + 1;
        if (updates % every == 0) {
            record(updates, at.epoch());
        }
    }

    /** @return the snapshots so far, oldest first (an unmodifiable copy) */
    public List<SameDiffNtkSnapshot> history() {
        return Collections.unmodifiableList(new ArrayList<>(history));
    }

    /** @return the reference kernel matrix {@code Θ0} (a copy), or {@code null} before the first snapshot */
    public INDArray referenceKernel() {
        return reference == null ? null : reference.dup();
    }

    private void record(long iteration, int epoch) {
        if (iteration == lastIteration) {
            return;
        }
        lastIteration = iteration;
        INDArray k = ntk.compute(probe);
        INDArray matrix = ntk.outputMode() == OutputMode.FULL ? KernelLayout.flatten(k) : k;
        if (reference == null) {
            reference = matrix.dup();
        }
        double[] ev = KernelMetrics.extremeEigenvalues(matrix);
        double alignment = probeLabels == null ? Double.NaN : KernelMetrics.alignment(matrix, labelsFor(matrix));
        SameDiffNtkSnapshot s = new SameDiffNtkSnapshot(iteration, epoch, KernelMetrics.trace(matrix),
                KernelMetrics.frobenius(matrix), KernelMetrics.relativeDrift(matrix, reference), ev[1], ev[0],
                alignment, keepKernels ? matrix.dup() : null);
        history.add(s);
        LOG.debug("NTK snapshot {}", s);
        for (Consumer<SameDiffNtkSnapshot> sink : sinks) {
            sink.accept(s);
        }
    }

    private INDArray labelsFor(INDArray matrix) {
        // FULL: [n, o] row-major is example-major, matching the flattened kernel
        return ntk.outputMode() == OutputMode.FULL
                ? probeLabels.dup('c').reshape(probeLabels.length(), 1) : probeLabels;
    }

    /** Validated builder of {@link SameDiffNtkListener}. */
    public static final class Builder {
        private final SameDiffNtk ntk;
        private final INDArray probe;
        private INDArray labels;
        private int every = 10;
        private boolean keepKernels;
        private final List<Consumer<SameDiffNtkSnapshot>> sinks = new ArrayList<>();

        private Builder(SameDiffNtk ntk, INDArray probe) {
            if (ntk == null) {
                throw new IllegalArgumentException("ntk must not be null (got: null)");
            }
            if (probe == null || probe.rank() < 2 || probe.size(0) == 0) {
                throw new IllegalArgumentException("probe features must be [n, d, ...] with n > 0 (got: "
                        + (probe == null ? "null" : Arrays.toString(probe.shape())) + ")");
            }
            ntk.compute(probe.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)));   // validates the shape
            this.ntk = ntk;
            this.probe = probe;
        }

        /**
         * @param n snapshot after every {@code n}-th parameter update, &gt; 0
         * @return this
         */
        public Builder everyNIterations(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("everyNIterations must be > 0 (got: " + n + ")");
            }
            this.every = n;
            return this;
        }

        /**
         * @param labels probe targets {@code [n, o]} for the kernel–target alignment
         * @return this
         */
        public Builder probeLabels(INDArray labels) {
            if (labels == null || labels.rank() != 2 || labels.size(0) != probe.size(0)
                    || labels.size(1) != ntk.numOutputs()) {
                throw new IllegalArgumentException("probe labels must be [" + probe.size(0) + ", " + ntk.numOutputs()
                        + "] (got: " + (labels == null ? "null" : Arrays.toString(labels.shape())) + ")");
            }
            this.labels = labels;
            return this;
        }

        /**
         * @param keep whether each snapshot keeps its kernel matrix (memory: one {@code [n, n]} or
         *             {@code [n·o, n·o]} array per snapshot)
         * @return this
         */
        public Builder keepKernels(boolean keep) {
            this.keepKernels = keep;
            return this;
        }

        /**
         * @param sink called with every snapshot, on the training thread
         * @return this
         */
        public Builder sink(Consumer<SameDiffNtkSnapshot> sink) {
            if (sink == null) {
                throw new IllegalArgumentException("sink must not be null (got: null)");
            }
            sinks.add(sink);
            return this;
        }

        /** @return the listener */
        public SameDiffNtkListener build() {
            return new SameDiffNtkListener(this);
        }
    }
}
