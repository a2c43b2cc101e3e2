package org.ntk4j.dl4j.samediff;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The NTK of the probe features at one point of a SameDiff training run, recorded by {@link SameDiffNtkListener}.
 *
 * <p>Metrics are taken on the kernel matrix {@code K}: the TRACE kernel {@code [n, n]}, or the FULL kernel flattened
 * example-major to {@code [n·o, n·o]}. All values are in DOUBLE whatever the graph's type.
 *
 * @param iteration     parameter updates applied before this snapshot (0: before training)
 * @param epoch         the epoch SameDiff reports for that iteration
 * @param trace         {@code tr K}
 * @param frobeniusNorm {@code ‖K‖_F}
 * @param relativeDrift {@code ‖K_t − K_0‖_F / ‖K_0‖_F}, {@code K_0} the listener's first snapshot (0 for that one)
 * @param lambdaMax     the largest eigenvalue of {@code K}
 * @param lambdaMin     the smallest eigenvalue of {@code K} (≥ 0 up to rounding)
 * @param alignment     kernel–target alignment {@code ⟨K, YYᵀ⟩_F / (‖K‖_F ‖YYᵀ‖_F)} with the probe labels
 *                      {@code Y} {@code [n, o]} (flattened to {@code [n·o, 1]} for FULL), or NaN without labels
 * @param kernel        the kernel matrix (a detached copy in the graph's type) when the listener keeps kernels,
 *                      otherwise {@code null}
 */
public record SameDiffNtkSnapshot(long iteration, int epoch, double trace, double frobeniusNorm, double relativeDrift,
                                  double lambdaMax, double lambdaMin, double alignment, INDArray kernel) {

    /** @return {@code λmax / λmin}, infinite when {@code λmin ≤ 0} */
    public double conditionNumber() {
        return lambdaMin > 0 ? lambdaMax / lambdaMin : Double.POSITIVE_INFINITY;
    }
}
