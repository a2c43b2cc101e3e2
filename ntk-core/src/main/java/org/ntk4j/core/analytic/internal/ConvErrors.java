package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.ToleranceNotMetException;

import java.util.Arrays;
import java.util.Locale;

/**
 * The error estimate of a convolutional kernel from its activations' entry errors: {@code Σ_s 2(D − s)·G_s·ε_s} over
 * the activation steps {@code s}, {@code D} the number of linear layers, {@code ε_s} the largest estimated error of
 * any pixel pair of any example pair at activation {@code s} relative to its Cauchy–Schwarz scale, and {@code G_s}
 * ({@link ConvRecursion#errorGain}) the product of the magnifications of the poolings after it. As for the dense
 * kernels, an error at activation {@code s} reaches the output through both recursions of every later layer;
 * convolutions, the flatten readout and dense layers average entries with non-negative weights and keep errors
 * within the same fraction of the Cauchy–Schwarz scale, while poolings and global readouts can shrink the scale below
 * the average of the pixels' scales (cancelling pixel covariances), which {@code G_s} accounts for.
 */
public final class ConvErrors {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConvErrors.class);

    private ConvErrors() {
    }

    /**
     * @param layerError per activation, the largest entry error relative to its scale
     * @param gain       per activation, {@code G_s}
     * @param tolerance  the largest acceptable estimate
     * @param warnOnly   log instead of throwing above the tolerance
     * @return the estimate
     * @throws ToleranceNotMetException above the tolerance, unless {@code warnOnly}
     */
    public static double estimate(double[] layerError, double[] gain, double tolerance, boolean warnOnly) {
        int acts = layerError.length;
        int depth = acts + 1;
        double estimate = 0;
        double[] terms = new double[acts];
        for (int s = 0; s < acts; s++) {
            // a closed form (ε = 0) stays exact whatever the gain
            terms[s] = layerError[s] == 0 ? 0.0 : 2.0 * (depth - s) * gain[s] * layerError[s];
            estimate += terms[s];
        }
        if (!(estimate <= tolerance)) {
            String msg = String.format(Locale.ROOT, "estimated error %.2e of the convolutional infinite-width kernels "
                    + "exceeds the tolerance %.1e (per activation: entry errors %s, pooling gains %s); raise the "
                    + "tolerance, or report the activation and variances", estimate, tolerance,
                    Arrays.toString(layerError), Arrays.toString(gain));
            if (!warnOnly) {
                throw new ToleranceNotMetException(msg, estimate, tolerance);
            }
            LOG.warn(msg);
        }
        return estimate;
    }
}
