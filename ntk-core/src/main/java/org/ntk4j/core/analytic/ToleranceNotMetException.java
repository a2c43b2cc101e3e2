package org.ntk4j.core.analytic;

/**
 * Thrown when the estimated error of an infinite-width kernel exceeds the tolerance it was built with; no kernel is
 * returned. {@link #estimate()} is what was achieved.
 */
public final class ToleranceNotMetException extends ArithmeticException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;
    /** The achieved error estimate. */
    private final double estimate;
    /** The tolerance that was asked for. */
    private final double tolerance;

    /**
     * @param message   what happened and what to do
     * @param estimate  the achieved error estimate
     * @param tolerance the tolerance that was asked for
     */
    public ToleranceNotMetException(String message, double estimate, double tolerance) {
        super(message);
        this.estimate = estimate;
        this.tolerance = tolerance;
    }

    /** @return the achieved error estimate (relative) */
    public double estimate() {
        return estimate;
    }

    /** @return the requested tolerance */
    public double tolerance() {
        return tolerance;
    }
}
