package org.ntk4j.core.analytic;

import java.util.Optional;

/**
 * An elementwise activation function {@code φ} with its derivative, as needed by the infinite-width recursions.
 *
 * <p>Only {@link #value} and {@link #derivative} are required: any such function is handled by Gauss–Hermite
 * quadrature. A function may also offer Gaussian expectations in {@linkplain #closedForm() closed form}; ready-made
 * ones are in {@link Nonlinearities}. Implementations must be pure (no state, thread-safe).
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

    /** @return whether {@code φ} is the identity function */
    default boolean isIdentity() {
        return false;
    }

    /**
     * @param name       a name for messages
     * @param value      {@code φ}
     * @param derivative {@code φ'}
     * @return a nonlinearity handled by quadrature
     */
    static Nonlinearity of(String name, java.util.function.DoubleUnaryOperator value,
                           java.util.function.DoubleUnaryOperator derivative) {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(value, "value");
        java.util.Objects.requireNonNull(derivative, "derivative");
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
}
