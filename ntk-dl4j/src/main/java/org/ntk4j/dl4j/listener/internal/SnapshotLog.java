package org.ntk4j.dl4j.listener.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.kernel.KernelMetrics;
import org.ntk4j.core.kernel.KernelSpectrum;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.listener.NtkSnapshot;
import org.ntk4j.dl4j.listener.NtkSpectrum;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link NtkTracker} keeps and computes per snapshot: Θ0, the previous kernel, the history and the spectra kept
 * for the report, guarded by one lock so that {@link #history()} can be read from any thread while training runs; and
 * the snapshot metrics of a new kernel against them. Not API.
 */
public final class SnapshotLog {
    /** The most spectra kept: beyond it every second one between the first and the latest is dropped. */
    public static final int MAX_KEPT_SPECTRA = 64;

    private final Object lock = new Object();
    private final List<NtkSnapshot> history = new ArrayList<>();
    private final List<NtkSpectrum> spectra = new ArrayList<>();
    private INDArray kernel0;
    private INDArray kernelPrev;

    /**
     * A measured snapshot and the kernel's eigenvalues (null when the kernel was not finite).
     *
     * @param snapshot    the snapshot
     * @param eigenvalues eigenvalues, largest first, or null
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
     * Records a snapshot, its kernel (Θ0 when it is the first) and its eigenvalues (when there are any).
     *
     * @param k        the kernel
     * @param measured the snapshot and eigenvalues from {@link #measure}
     */
    public void record(INDArray k, Measured measured) {
        NtkSnapshot s = measured.snapshot();
        synchronized (lock) {
            if (kernel0 == null) {
                kernel0 = k;
            }
            kernelPrev = k;
            history.add(s);
            if (measured.eigenvalues() != null) {
                spectra.add(new NtkSpectrum(s.iteration(), measured.eigenvalues()));
                thinSpectra();
            }
        }
    }

    /** Keeps at most MAX_KEPT_SPECTRA: drops every second one between the first and the latest. */
    private void thinSpectra() {
        if (spectra.size() <= MAX_KEPT_SPECTRA) {
            return;
        }
        List<NtkSpectrum> kept = new ArrayList<>();
        for (int i = 0; i < spectra.size(); i++) {
            if (i % 2 == 0 || i == spectra.size() - 1) {
                kept.add(spectra.get(i));
            }
        }
        spectra.clear();
        spectra.addAll(kept);
    }

    /** @return an immutable copy of the spectra kept, oldest first */
    public List<NtkSpectrum> spectra() {
        synchronized (lock) {
            return List.copyOf(spectra);
        }
    }

    /** @return an immutable copy of every snapshot so far, oldest first */
    public List<NtkSnapshot> history() {
        synchronized (lock) {
            return List.copyOf(history);
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
