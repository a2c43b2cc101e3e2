package org.ntk4j.dl4j.listener;

import java.time.Instant;

/**
 * One measurement of a network's empirical NTK on the probe examples during training. Immutable.
 *
 * <p>Notation: {@code Θt} is the kernel on the probe at this snapshot, {@code Θ0} the kernel when the listener started
 * (see {@link NtkListener}), {@code n} the probe examples, {@code o} the network outputs. The spectral quantities
 * are those of the matrix the listener computes: the TRACE kernel {@code [n, n]} (mean over outputs) in
 * {@link org.ntk4j.dl4j.OutputMode#TRACE}, the flat FULL kernel {@code [n·o, n·o]} in
 * {@link org.ntk4j.dl4j.OutputMode#FULL} (see {@link org.ntk4j.core.kernel.KernelMetrics}). Quantities that cannot be
 * computed are NaN (e.g. alignment without labels, change since previous for the first snapshot, spectral quantities
 * of a kernel that is not finite).
 *
 * <p>The SameDiff listener {@link org.ntk4j.dl4j.samediff.SameDiffNtkListener} produces the same records: there
 * {@code iteration} and {@code epoch} are SameDiff's counts ({@code TrainingConfig}), and {@code parameterChange}
 * is taken over the graph's floating point trainable ({@code VARIABLE}) variables.
 *
 * @param iteration             DL4J's iteration count of the parameters measured: the number of parameter updates
 *                              the network had received (0 for a new network before training)
 * @param epoch                 DL4J's epoch count at the snapshot (0-based; for a snapshot at the end of an epoch,
 *                              the epoch that just ended)
 * @param time                  wall-clock time of the snapshot
 * @param drift                 {@code ‖Θt − Θ0‖_F / ‖Θ0‖_F} (0 at the first snapshot)
 * @param changeSincePrevious   {@code ‖Θt − Θprev‖_F / ‖Θprev‖_F}, NaN for the first snapshot
 * @param trace                 the trace of the kernel matrix
 * @param lambdaMax             its largest eigenvalue
 * @param lambdaMin             its smallest eigenvalue (may be slightly negative by rounding)
 * @param conditionNumber       {@code λmax/λmin}, {@code +∞} when {@code λmin ≤ 0}
 * @param effectiveRank         participation ratio {@code (Σλ)²/Σλ²} of the eigenvalues (clipped at 0), in
 *                              {@code [1, size]}
 * @param alignment             centred kernel–target alignment with the probe labels, in {@code [−1, 1]}; NaN
 *                              without labels
 * @param parameterChange       {@code ‖θt − θ0‖₂ / ‖θ0‖₂} over the network's whole parameter array
 *                              ({@code net.params()})
 * @param maxStableLearningRate {@code n·o/λmax}: the largest {@code Sgd} learning rate for which full-batch MSE
 *                              training on the probe is stable for the linearised network, with DL4J's normalisation;
 *                              exact for FULL, an upper bound (trace ⊗ identity approximation) for TRACE with
 *                              {@code o > 1}
 * @param seconds               wall-clock seconds this snapshot cost (kernel and metrics; sinks not included)
 */
public record NtkSnapshot(
        long iteration,
        int epoch,
        Instant time,
        double drift,
        double changeSincePrevious,
        double trace,
        double lambdaMax,
        double lambdaMin,
        double conditionNumber,
        double effectiveRank,
        double alignment,
        double parameterChange,
        double maxStableLearningRate,
        double seconds) {

    /**
     * Validates the fields that must be present.
     *
     * @param iteration             DL4J's iteration count of the parameters measured: the number of parameter updates
     *                              the network had received (0 for a new network before training)
     * @param epoch                 DL4J's epoch count at the snapshot (0-based; for a snapshot at the end of an epoch,
     *                              the epoch that just ended)
     * @param time                  wall-clock time of the snapshot
     * @param drift                 {@code ‖Θt − Θ0‖_F / ‖Θ0‖_F} (0 at the first snapshot)
     * @param changeSincePrevious   {@code ‖Θt − Θprev‖_F / ‖Θprev‖_F}, NaN for the first snapshot
     * @param trace                 the trace of the kernel matrix
     * @param lambdaMax             its largest eigenvalue
     * @param lambdaMin             its smallest eigenvalue (may be slightly negative by rounding)
     * @param conditionNumber       {@code λmax/λmin}, {@code +∞} when {@code λmin ≤ 0}
     * @param effectiveRank         participation ratio {@code (Σλ)²/Σλ²} of the eigenvalues (clipped at 0), in {@code
     *                              [1, size]}
     * @param alignment             centred kernel–target alignment with the probe labels, in {@code [−1, 1]}; NaN
     *                              without labels
     * @param parameterChange       {@code ‖θt − θ0‖₂ / ‖θ0‖₂} over the network's whole parameter array ({@code
     *                              net.params()})
     * @param maxStableLearningRate {@code n·o/λmax}: the largest {@code Sgd} learning rate for which full-batch MSE
     *                              training on the probe is stable for the linearised network, with DL4J's
     *                              normalisation; exact for FULL, an upper bound (trace ⊗ identity approximation) for
     *                              TRACE with {@code o > 1}
     * @param seconds               wall-clock seconds this snapshot cost (kernel and metrics; sinks not included)
     */
    public NtkSnapshot {
        if (time == null) {
            throw new IllegalArgumentException("time must not be null");
        }
        if (iteration < 0 || epoch < 0) {
            throw new IllegalArgumentException("iteration and epoch must be >= 0 (got: " + iteration + ", " + epoch + ")");
        }
    }

    /** @return true when probe labels were given and the alignment could be computed */
    public boolean hasAlignment() {
        return !Double.isNaN(alignment);
    }
}
