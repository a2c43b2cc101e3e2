package org.ntk4j.dl4j.listener.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.kernel.KernelMetrics;
import org.ntk4j.core.kernel.KernelSpectrum;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.listener.NtkSnapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What both NTK listeners (DL4J and SameDiff) keep and compute per snapshot: Θ0, the previous kernel and the history,
 * guarded by one lock so that {@link #history()} can be read from any thread while training runs; and the snapshot
 * metrics of a new kernel against them.
 */
public final class SnapshotLog {
    private final Object lock = new Object();
    private final List<NtkSnapshot> history = new ArrayList<>();
    private INDArray kernel0;
    private INDArray kernelPrev;

    /**
     * A measured snapshot and the kernel's eigenvalues (null when the kernel was not finite).
     *
     * @param snapshot    the snapshot
     * @param eigenvalues ascending eigenvalues, or null
     */
    public record Measured(NtkSnapshot snapshot, double[] eigenvalues) {
    }

    /**
     * Computes the metrics of a new kernel against Θ0 (itself when it is the first) and the previous kernel. Does not
     * record it.
     *
     * @param iteration      DL4J's / SameDiff's iteration count
     * @param epoch          epoch count
     * @param k              the kernel, TRACE {@code [n, n]} or FULL {@code [n, n, o, o]}
     * @param outputs        o
     * @param labels         probe labels in DOUBLE, or null (no alignment)
     * @param parameterChange {@code ‖θt − θ0‖/‖θ0‖}
     * @param startNanos     {@link System#nanoTime()} when the snapshot started (for its cost)
     * @return the snapshot and eigenvalues
     */
    public Measured measure(long iteration, int epoch, INDArray k, long outputs, INDArray labels,
                            double parameterChange, long startNanos) {
        INDArray ref;
        INDArray prev;
        synchronized (lock) {
            ref = kernel0 == null ? k : kernel0;
            prev = kernelPrev;
        }
        double drift = KernelMetrics.relativeDrift(k, ref);
        double change = prev == null ? Double.NaN : KernelMetrics.relativeDrift(k, prev);
        double trace = KernelMetrics.trace(k);
        double lmax = Double.NaN, lmin = Double.NaN, cond = Double.NaN, erank = Double.NaN, align = Double.NaN;
        double lr = Double.NaN;
        double[] eigenvalues = null;
        if (Checks.finite(k)) {
            KernelSpectrum sp = KernelMetrics.spectrum(k);
            eigenvalues = sp.eigenvalues();
            lmax = sp.lambdaMax();
            lmin = sp.lambdaMin();
            cond = sp.conditionNumber();
            erank = sp.effectiveRank();
            lr = KernelMetrics.maxStableLearningRate(lmax, k.size(0), outputs);
            if (labels != null) {
                align = KernelMetrics.centredAlignment(k, labels);
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new Measured(new NtkSnapshot(iteration, epoch, Instant.now(), drift, change, trace, lmax, lmin, cond,
                erank, align, parameterChange, lr, seconds), eigenvalues);
    }

    /**
     * Records a snapshot and its kernel (Θ0 when it is the first).
     *
     * @param k           the kernel
     * @param s           the snapshot
     * @param alsoLocked  more bookkeeping of the caller, run under the same lock (may be null)
     */
    public void record(INDArray k, NtkSnapshot s, Runnable alsoLocked) {
        synchronized (lock) {
            if (kernel0 == null) {
                kernel0 = k;
            }
            kernelPrev = k;
            history.add(s);
            if (alsoLocked != null) {
                alsoLocked.run();
            }
        }
    }

    /**
     * @param action run under the log's lock (for callers' state recorded with {@link #record})
     * @param <T>    result type
     * @return what the action returns
     */
    public <T> T locked(java.util.function.Supplier<T> action) {
        synchronized (lock) {
            return action.get();
        }
    }

    /** @return an immutable copy of every snapshot so far, oldest first */
    public List<NtkSnapshot> history() {
        synchronized (lock) {
            return List.copyOf(history);
        }
    }

    /** @return the most recent snapshot, if any */
    public Optional<NtkSnapshot> latest() {
        synchronized (lock) {
            return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
        }
    }

    /** @return a copy of Θ0, or null before the first snapshot */
    public INDArray initialKernel() {
        synchronized (lock) {
            return kernel0 == null ? null : kernel0.dup();
        }
    }

    /** @return a copy of the latest kernel, or null before the first snapshot */
    public INDArray latestKernel() {
        synchronized (lock) {
            return kernelPrev == null ? null : kernelPrev.dup();
        }
    }
}
