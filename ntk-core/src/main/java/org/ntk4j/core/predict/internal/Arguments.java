package org.ntk4j.core.predict.internal;

/** Checks of scalar arguments shared by the predictors and their builders; messages name the argument and its value. */
public final class Arguments {
    private Arguments() {
    }

    /**
     * Requires a finite value &gt; 0.
     *
     * @param value the argument
     * @param name  its name in the message
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<name> must be finite and > 0 (got: <value>)"}
     */
    public static double requirePositiveFinite(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0 (got: " + value + ")");
        }
        return value;
    }

    /**
     * Requires a finite value ≥ 0.
     *
     * @param value the argument
     * @param name  its name in the message
     * @return {@code value}
     * @throws IllegalArgumentException {@code "<name> must be finite and >= 0 (got: <value>)"}
     */
    public static double requireNonNegativeFinite(double value, String name) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0 (got: " + value + ")");
        }
        return value;
    }
}
