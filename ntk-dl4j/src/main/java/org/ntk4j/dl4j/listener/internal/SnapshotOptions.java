package org.ntk4j.dl4j.listener.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.listener.NtkSink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The options the NTK listener builders share ({@code NtkListener.Builder}, {@code SameDiffNtkListener.Builder}):
 * when snapshots are taken and where they go, validated as they are set. Mutable, one per builder. Not API.
 */
public final class SnapshotOptions {
    /** The snapshot period in iterations when neither {@code everyNIterations} nor {@code everyNEpochs} is set. */
    public static final int DEFAULT_EVERY_N_ITERATIONS = 100;

    private int everyNIterations;
    private int everyNEpochs;
    private final List<NtkSink> sinks = new ArrayList<>();

    /** @param n take a snapshot after every n-th parameter update, n ≥ 1 */
    public void everyNIterations(int n) {
        this.everyNIterations = Checks.atLeastOne("everyNIterations", n);
    }

    /** @param n take a snapshot at the end of every n-th epoch, n ≥ 1 */
    public void everyNEpochs(int n) {
        this.everyNEpochs = Checks.atLeastOne("everyNEpochs", n);
    }

    /** @param sink receives every snapshot; not null */
    public void sink(NtkSink sink) {
        this.sinks.add(Checks.notNull("sink", sink));
    }

    /**
     * @return the iteration period: the one set, else {@link #DEFAULT_EVERY_N_ITERATIONS} when no epoch period was set
     *         either, else 0 (no snapshots by iteration)
     */
    public int effectiveEveryNIterations() {
        return everyNIterations == 0 && everyNEpochs == 0 ? DEFAULT_EVERY_N_ITERATIONS : everyNIterations;
    }

    /** @return the epoch period, 0 when not set */
    public int everyNEpochs() {
        return everyNEpochs;
    }

    /** @return an immutable copy of the sinks, in the order they were added */
    public List<NtkSink> sinks() {
        return List.copyOf(sinks);
    }

    /**
     * The probe labels both listener builders take, checked and copied.
     *
     * @param probeLabels the targets of the probe examples
     * @param n           the number of probe examples
     * @param fullOutputs o when the kernels are FULL and o is known ({@code [n, o]} required), else -1 ({@code [n]} or
     *                    {@code [n, c]})
     * @return a DOUBLE copy, made outside any workspace
     * @throws IllegalArgumentException naming what was expected and what was given
     */
    public static INDArray probeLabels(INDArray probeLabels, long n, int fullOutputs) {
        if (probeLabels == null) {
            throw new IllegalArgumentException("probeLabels must not be null (got: null); omit the call for no labels");
        }
        if (fullOutputs > 0 && (probeLabels.rank() != 2 || probeLabels.size(0) != n
                || probeLabels.size(1) != fullOutputs)) {
            throw new IllegalArgumentException("probeLabels: with OutputMode.FULL expected [" + n + ", " + fullOutputs
                    + "] (one row per probe example, one column per output) (got: "
                    + Arrays.toString(probeLabels.shape()) + ")");
        }
        if (probeLabels.rank() < 1 || probeLabels.rank() > 2 || probeLabels.size(0) != n) {
            throw new IllegalArgumentException("probeLabels: expected [" + n + "] or [" + n + ", c] (one row per"
                    + " probe example) (got: " + Arrays.toString(probeLabels.shape()) + ")");
        }
        if (!probeLabels.dataType().isNumerical()) {
            throw new IllegalArgumentException("probeLabels: expected numeric labels (got: " + probeLabels.dataType()
                    + ")");
        }
        return finiteLabels(probeLabels);
    }

    /**
     * @param probeLabels the probe labels, already checked for shape and a numeric data type
     * @return a DOUBLE copy, made outside any workspace
     * @throws IllegalArgumentException when they contain NaN or infinite values
     */
    @SuppressWarnings("try") // the workspace scope is used for its side effect
    public static INDArray finiteLabels(INDArray probeLabels) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray d = probeLabels.castTo(DataType.DOUBLE).dup();
            if (!Checks.finite(d)) {
                throw new IllegalArgumentException("probeLabels contain NaN or infinite values (got: shape "
                        + Arrays.toString(probeLabels.shape()) + ")");
            }
            return d;
        }
    }
}
