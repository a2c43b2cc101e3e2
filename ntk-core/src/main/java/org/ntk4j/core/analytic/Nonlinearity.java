package org.ntk4j.core.analytic;

import java.util.Optional;

/**
 * An elementwise activation function {@code φ} with its derivative, as needed by the infinite-width recursions.
 *
 * <p>Only {@link #value} and {@link #derivative} are required: any such function is integrated numerically, to the
 * kernel's tolerance and with an error estimate (see {@code docs/theory.md}). The integration rule splits its
 * integrals at the {@linkplain #breakpoints() breakpoints} (kinks and jumps of {@code φ} or {@code φ'}) and refines
 * its panels down to the {@linkplain #smoothnessScale() smoothness scale}; declaring both makes the rule exact to
 * rounding and faster. A function may also offer Gaussian expectations in {@linkplain #closedForm() closed form};
 * ready-made ones are in {@link Nonlinearities}. Implementations must be pure (no state, thread-safe).
 *
 * <pre>{@code
 * Nonlinearity softsign = Nonlinearity.of("softsign", z -> z / (1 + Math.abs(z)),
 *         z -> 1 / ((1 + Math.abs(z)) * (1 + Math.abs(z))));
 * }</pre>
 */
public interface Nonlinearity {

    /** @return a short name for messages, e.g. {@code "tanh"} */
    String name();

    /**
     * @param z a pre-activation
     * @return {@code φ(z)}
     */
    double value(double z);

    /**
     * @param z a pre-activation
     * @return {@code φ'(z)} (any fixed choice at points where {@code φ} is not differentiable)
     */
    double derivative(double z);

    /**
     * Evaluates {@code φ} and {@code φ'} on the first {@code n} points of {@code z}. The default calls
     * {@link #value} and {@link #derivative} per point; implementations backed by array libraries override it.
     *
     * @param z           points
     * @param n           how many points of {@code z} to evaluate
     * @param values      receives {@code φ(z[i])}, {@code i < n}
     * @param derivatives receives {@code φ'(z[i])}, {@code i < n}
     */
    default void evaluate(double[] z, int n, double[] values, double[] derivatives) {
        for (int i = 0; i < n; i++) {
            values[i] = value(z[i]);
            derivatives[i] = derivative(z[i]);
        }
    }

    /** @return Gaussian expectations in closed form, when this function has them */
    default Optional<GaussianClosedForm> closedForm() {
        return Optional.empty();
    }

    /**
     * @return the points where {@code φ} or {@code φ'} is not smooth (kinks, jumps), ascending; the numerical rule
     *         splits its integrals there. Default: none (then the derivative must be smooth wherever the function is
     *         evaluated, or the error estimate will say that the tolerance was missed)
     */
    default double[] breakpoints() {
        return new double[0];
    }

    /**
     * @return a length {@code w > 0} such that, between breakpoints, {@code φ} and {@code φ'} extend analytically to
     *         the complex points within {@code max(w, |Re z − c|)} of every real point, where {@code c} is 0 or a
     *         breakpoint (e.g. 1 for tanh, whose poles are at {@code ±iπ/2}); integration panels near the origin and the
     *         breakpoints are at most this wide, wider further away. Smaller is safer and slower. Default 0.25
     */
    default double smoothnessScale() {
        return 0.25;
    }

    /** @return whether {@code φ} is the identity function */
    default boolean isIdentity() {
        return false;
    }

    /**
     * @param name       a name for messages
     * @param value      {@code φ}
     * @param derivative {@code φ'}
     * @return a nonlinearity integrated numerically, without declared breakpoints, smoothness scale 0.25
     * @throws IllegalArgumentException when an argument is null
     */
    static Nonlinearity of(String name, java.util.function.DoubleUnaryOperator value,
                           java.util.function.DoubleUnaryOperator derivative) {
        if (name == null || value == null || derivative == null) {
            throw new IllegalArgumentException("Nonlinearity.of needs a name, a value and a derivative function (got: "
                    + (name == null ? "name null" : "name " + name) + (value == null ? ", value null" : "")
                    + (derivative == null ? ", derivative null" : "") + ")");
        }
        return new Nonlinearity() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double value(double z) {
                return value.applyAsDouble(z);
            }

            @Override
            public double derivative(double z) {
                return derivative.applyAsDouble(z);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /**
     * @param name            a name for messages
     * @param value           {@code φ}
     * @param derivative      {@code φ'} (any fixed value at the breakpoints)
     * @param breakpoints     the points where {@code φ} or {@code φ'} is not smooth, see {@link #breakpoints()}
     * @param smoothnessScale see {@link #smoothnessScale()}, {@code > 0}
     * @return a nonlinearity integrated numerically with these declarations
     * @throws IllegalArgumentException when an argument is null, a breakpoint is not finite or the scale is not
     *                                  finite and positive
     */
    static Nonlinearity of(String name, java.util.function.DoubleUnaryOperator value,
                           java.util.function.DoubleUnaryOperator derivative, double[] breakpoints,
                           double smoothnessScale) {
        Nonlinearity base = of(name, value, derivative);
        if (breakpoints == null) {
            throw new IllegalArgumentException(name + ": breakpoints must not be null (got: null); pass new double[0] "
                    + "for none");
        }
        double[] b = breakpoints.clone();
        java.util.Arrays.sort(b);
        for (double x : b) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException(name + ": breakpoints must be finite (got: " + x + ")");
            }
        }
        if (!(smoothnessScale > 0) || Double.isInfinite(smoothnessScale)) {
            throw new IllegalArgumentException(name + ": smoothnessScale must be finite and > 0 (got: "
                    + smoothnessScale + ")");
        }
        return new Nonlinearity() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double value(double z) {
                return base.value(z);
            }

            @Override
            public double derivative(double z) {
                return base.derivative(z);
            }

            @Override
            public double[] breakpoints() {
                return b.clone();
            }

            @Override
            public double smoothnessScale() {
                return smoothnessScale;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
