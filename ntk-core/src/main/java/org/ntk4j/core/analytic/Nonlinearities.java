package org.ntk4j.core.analytic;

import org.apache.commons.math3.special.Erf;
import org.ntk4j.core.analytic.internal.ArcCosine;

import java.util.Optional;

/**
 * Ready-made {@link Nonlinearity} instances.
 *
 * <p>In closed form (erf for centred Gaussians; identity and the ReLU family for any mean), with {@code s = √(k11·k22)},
 * {@code ρ = k12/s} clamped into {@code [−1, 1]} and {@code θ = arccos ρ}:
 * <ul>
 *   <li>identity: {@code E[uv] = k12 + μ²}, {@code E[φ'φ'] = 1};</li>
 *   <li>LeakyReLU(α) {@code = max(z, αz)} (ReLU: α = 0, Abs: α = −1), written as
 *       {@code ((1+α)/2) z + ((1−α)/2)|z|}: {@code E[φφ] = ((1+α)/2)² k12 + ((1−α)/2)² (2s/π)(sin θ + (π/2 − θ) cos θ)},
 *       {@code E[φ'φ'] = α + (1−α)² (π − θ)/(2π)} (the arc-cosine kernels of Cho and Saul, 2009); for a non-zero
 *       mean, the piecewise-linear closed form of {@link #piecewiseLinear};</li>
 *   <li>erf: {@code E[φφ] = (2/π) arcsin(2 k12 / √((1+2k11)(1+2k22)))},
 *       {@code E[φ'φ'] = (4/π) / √((1+2k11)(1+2k22) − 4 k12²)} (Williams, 1997).</li>
 * </ul>
 * Piecewise-linear functions (hard-tanh here, and any function passed to {@link #piecewiseLinear}) have closed forms
 * for any mean from bivariate normal orthant probabilities. Every other function here is integrated numerically (see
 * {@link FullyConnectedKernel}), with its breakpoints and smoothness scale declared.
 */
public final class Nonlinearities {
    private Nonlinearities() {
    }

    private static final double SQRT2 = Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    /** SELU constants (Klambauer et al., 2017), as in DL4J/ND4J. */
    private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SELU_LAMBDA = 1.0507009873554804934193349852946;
    private static final double[] NONE = {};
    private static final double[] ORIGIN = {0.0};

    /** @return {@code φ(z) = z} (closed form for any mean) */
    public static Nonlinearity identity() {
        return Identity.INSTANCE;
    }

    /** @return {@code max(0, z)}, derivative 0 at 0 (closed form) */
    public static Nonlinearity relu() {
        return new ArcCosine("relu", 0.0);
    }

    /**
     * @param alpha slope for {@code z < 0}
     * @return {@code z} for {@code z ≥ 0} and {@code αz} otherwise ({@code max(z, αz)} when {@code α ≤ 1}); derivative
     *         {@code α} at 0 (closed form)
     */
    public static Nonlinearity leakyRelu(double alpha) {
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("leakyRelu slope must be finite (got: " + alpha + ")");
        }
        return new ArcCosine("leakyrelu(" + alpha + ")", alpha);
    }

    /** @return {@code |z|}, derivative {@code sign(z)} (closed form) */
    public static Nonlinearity abs() {
        return new ArcCosine("abs", -1.0);
    }

    /** @return the error function {@code erf(z)} (closed form) */
    public static Nonlinearity erf() {
        return ErfNl.INSTANCE;
    }

    /** @return {@code tanh(z)} (numerical) */
    public static Nonlinearity tanh() {
        return Tanh.INSTANCE;
    }

    /** @return the logistic sigmoid {@code 1/(1+e^{−z})} (numerical) */
    public static Nonlinearity sigmoid() {
        return Nonlinearity.of("sigmoid", Nonlinearities::sigmoid, z -> {
            double s = sigmoid(z);
            return s * (1 - s);
        }, NONE, 2.0);
    }

    /** @return {@code log(1 + e^z)} (numerical) */
    public static Nonlinearity softplus() {
        return Nonlinearity.of("softplus", z -> Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
                Nonlinearities::sigmoid, NONE, 2.0);
    }

    /**
     * @param alpha the ELU scale for negative inputs
     * @return {@code z} for {@code z > 0}, {@code α(e^z − 1)} otherwise (numerical)
     */
    public static Nonlinearity elu(double alpha) {
        return Nonlinearity.of("elu(" + alpha + ")", z -> z > 0 ? z : alpha * Math.expm1(z),
                z -> z > 0 ? 1.0 : alpha * Math.exp(z), ORIGIN, 2.0);
    }

    /** @return SELU, {@code λ·elu_α(z)} with λ ≈ 1.0507, α ≈ 1.6733 (numerical) */
    public static Nonlinearity selu() {
        return Nonlinearity.of("selu", z -> SELU_LAMBDA * (z > 0 ? z : SELU_ALPHA * Math.expm1(z)),
                z -> SELU_LAMBDA * (z > 0 ? 1.0 : SELU_ALPHA * Math.exp(z)), ORIGIN, 2.0);
    }

    /** @return exact GELU {@code z·Φ(z)} with the standard normal CDF Φ (numerical) */
    public static Nonlinearity gelu() {
        return Nonlinearity.of("gelu", z -> z * normalCdf(z),
                z -> normalCdf(z) + z * INV_SQRT_2PI * Math.exp(-0.5 * z * z), NONE, 2.0);
    }

    /** @return swish (SiLU) {@code z·sigmoid(z)} (numerical) */
    public static Nonlinearity swish() {
        return Nonlinearity.of("swish", z -> z * sigmoid(z), z -> {
            double s = sigmoid(z);
            return s + z * s * (1 - s);
        }, NONE, 2.0);
    }

    /** @return {@code max(−1, min(1, z))}, derivative 1 on (−1, 1) and 0 outside (closed form, any mean) */
    public static Nonlinearity hardTanh() {
        return piecewiseLinear(Nonlinearity.of("hardtanh", z -> Math.max(-1.0, Math.min(1.0, z)),
                z -> (z > -1.0 && z < 1.0) ? 1.0 : 0.0, new double[]{-1.0, 1.0}, 4.0));
    }

    /**
     * Gaussian expectations in closed form for a piecewise-linear function (kinks and jumps allowed: ReLU6,
     * hard-tanh, hard sigmoid, thresholded ReLU, …), for any mean: bivariate normal orthant probabilities and
     * Gaussian moments over the quadrants at the breakpoints (see {@code docs/theory.md}); accurate to about 1e-14
     * relative to the Cauchy–Schwarz scale.
     *
     * @param f a function whose value is linear and whose derivative is constant between its declared
     *          {@linkplain Nonlinearity#breakpoints() breakpoints}; {@code f.value} and {@code f.derivative} are kept
     *          for pointwise use
     * @return {@code f} with a {@linkplain Nonlinearity#closedForm() closed form}
     * @throws IllegalArgumentException when {@code f} is not piecewise linear between its breakpoints (checked at five
     *                                  points per piece)
     */
    public static Nonlinearity piecewiseLinear(Nonlinearity f) {
        if (f == null) {
            throw new IllegalArgumentException("piecewiseLinear needs a function (got: null)");
        }
        return org.ntk4j.core.analytic.internal.PiecewiseLinear.of(f);
    }

    /** @return {@code z³} (numerical) */
    public static Nonlinearity cube() {
        return Nonlinearity.of("cube", z -> z * z * z, z -> 3 * z * z, NONE, 4.0);
    }

    /** @return softsign {@code z/(1+|z|)} (numerical) */
    public static Nonlinearity softsign() {
        return Nonlinearity.of("softsign", z -> z / (1 + Math.abs(z)), z -> {
            double d = 1 + Math.abs(z);
            return 1 / (d * d);
        }, ORIGIN, 0.5);
    }

    static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    static double normalCdf(double z) {
        return 0.5 * Erf.erfc(-z / SQRT2);
    }

    /** Clamps a correlation into [-1, 1]; 0 when a variance vanishes. */
    static double correlation(double k11, double k12, double k22) {
        double s = Math.sqrt(k11 * k22);
        if (!(s > 0)) {
            return 0.0;
        }
        return Math.max(-1.0, Math.min(1.0, k12 / s));
    }

    private static final class Identity implements Nonlinearity, GaussianClosedForm {
        static final Identity INSTANCE = new Identity();

        @Override
        public String name() {
            return "identity";
        }

        @Override
        public double value(double z) {
            return z;
        }

        @Override
        public double derivative(double z) {
            return 1.0;
        }

        @Override
        public double smoothnessScale() {
            return 4.0;
        }

        @Override
        public boolean isIdentity() {
            return true;
        }

        @Override
        public Optional<GaussianClosedForm> closedForm() {
            return Optional.of(this);
        }

        @Override
        public boolean supportsMean(double mean) {
            return true;
        }

        @Override
        public double valueProduct(double mean, double k11, double k12, double k22) {
            return k12 + mean * mean;
        }

        @Override
        public double derivativeProduct(double mean, double k11, double k12, double k22) {
            return 1.0;
        }

        @Override
        public String toString() {
            return "identity";
        }
    }

    /** tanh with value and derivative from one evaluation. */
    private static final class Tanh implements Nonlinearity {
        static final Tanh INSTANCE = new Tanh();

        @Override
        public String name() {
            return "tanh";
        }

        @Override
        public double value(double z) {
            return Math.tanh(z);
        }

        @Override
        public double derivative(double z) {
            double t = Math.tanh(z);
            return 1 - t * t;
        }

        /** Poles at ±iπ/2 (a margin below π/2). */
        @Override
        public double smoothnessScale() {
            return 1.0;
        }

        /** tanh from one exp: 1 − 2/(e^{2|z|} + 1) with the sign restored (absolute error ≈ 1e-16). */
        @Override
        public void evaluate(double[] z, int n, double[] values, double[] derivatives) {
            for (int i = 0; i < n; i++) {
                double a = Math.abs(z[i]);
                double t = a > 20 ? 1.0 : 1 - 2 / (Math.exp(2 * a) + 1);
                t = z[i] < 0 ? -t : t;
                values[i] = t;
                derivatives[i] = 1 - t * t;
            }
        }

        @Override
        public String toString() {
            return "tanh";
        }
    }

    private static final class ErfNl implements Nonlinearity, GaussianClosedForm {
        static final ErfNl INSTANCE = new ErfNl();

        @Override
        public String name() {
            return "erf";
        }

        @Override
        public double value(double z) {
            return Erf.erf(z);
        }

        @Override
        public double derivative(double z) {
            return TWO_OVER_SQRT_PI * Math.exp(-z * z);
        }

        @Override
        public double smoothnessScale() {
            return 1.0;
        }

        @Override
        public Optional<GaussianClosedForm> closedForm() {
            return Optional.of(this);
        }

        @Override
        public boolean supportsMean(double mean) {
            return mean == 0.0;
        }

        @Override
        public double valueProduct(double mean, double k11, double k12, double k22) {
            double den = Math.sqrt((1 + 2 * k11) * (1 + 2 * k22));
            double arg = Math.max(-1.0, Math.min(1.0, 2 * k12 / den));
            return 2 / Math.PI * Math.asin(arg);
        }

        @Override
        public double derivativeProduct(double mean, double k11, double k12, double k22) {
            double det = (1 + 2 * k11) * (1 + 2 * k22) - 4 * k12 * k12;
            // det >= 1 + 2(k11 + k22) > 0 whenever |k12| <= sqrt(k11 k22); guard against rounding only
            return 4 / Math.PI / Math.sqrt(Math.max(det, 1.0));
        }

        @Override
        public String toString() {
            return "erf";
        }
    }
}
