package org.ntk4j.dl4j.analytic.internal;

import org.ntk4j.core.analytic.Nonlinearities;
import org.ntk4j.core.analytic.Nonlinearity;

/**
 * Java twins of DL4J's activations that have no function in {@link Nonlinearities}, with their breakpoints and
 * smoothness scales, so that the numerical rule evaluates them in plain Java loops; the piecewise-linear ones carry the
 * closed form of {@link Nonlinearities#piecewiseLinear}. Each computes what DL4J M2.1's op computes (forward) and what
 * its backprop returns (derivative); {@code Dl4jNonlinearitiesTest} compares them with DL4J's ops on a grid.
 */
final class Dl4jFunctions {
    private Dl4jFunctions() {
    }

    private static final double[] NONE = {};
    private static final double[] ORIGIN = {0.0};

    /**
     * DL4J's ELU: {@code α(e^z − 1)} below 0; its backprop (EluBp) returns {@code e^z} there whatever α (so for
     * α ≠ 1 it is not the derivative of the forward function; the NTK of a DL4J network uses it, so does this).
     */
    static Nonlinearity elu(double alpha) {
        return Nonlinearity.of("elu(" + alpha + ")", z -> z > 0 ? z : alpha * Math.expm1(z),
                z -> z > 0 ? 1.0 : Math.exp(z), ORIGIN, 2.0);
    }

    /** DL4J's GELU constant 1.702, as the float DL4J's op uses. */
    private static final double GELU_C = (double) 1.702f;

    /** DL4J's (non-precise) GELU: {@code z·sigmoid(1.702 z)}. */
    static Nonlinearity geluSigmoid() {
        return Nonlinearity.of("gelu", z -> z * sigmoid(GELU_C * z), z -> {
            double s = sigmoid(GELU_C * z);
            return s + GELU_C * z * s * (1 - s);
        }, NONE, 1.0);
    }

    /** DL4J's hard-sigmoid slope 0.2, as the float DL4J's op uses. */
    private static final double HS = (double) 0.2f;

    /** DL4J's hard sigmoid: {@code min(1, max(0, 0.2 z + 0.5))} (slope 0.2 in float, kinks at ≈ ±2.5). */
    static Nonlinearity hardSigmoid() {
        double edge = 0.5 / HS;
        return Nonlinearities.piecewiseLinear(Nonlinearity.of("hardsigmoid",
                z -> Math.min(1.0, Math.max(0.0, HS * z + 0.5)), z -> (z > -edge && z < edge) ? HS : 0.0,
                new double[]{-edge, edge}, 4.0));
    }

    private static final double RT_A = (double) 1.7159f;
    private static final double RT_B = (double) 1.41645f;

    /**
     * DL4J's rational tanh: {@code 1.7159 · sgn(y)(1 − 1/(1 + |y| + y² + 1.41645 y⁴))}, {@code y = 2z/3} (constants
     * in float, as DL4J's op).
     */
    static Nonlinearity rationalTanh() {
        return Nonlinearity.of("rationaltanh", z -> {
            double y = 2 * z / 3;
            double a = Math.abs(y);
            double den = 1 + a + y * y + RT_B * y * y * y * y;
            return RT_A * Math.signum(y) * (1 - 1 / den);
        }, z -> {
            double y = 2 * z / 3;
            double a = Math.abs(y);
            double den = 1 + a + y * y + RT_B * y * y * y * y;
            double dden = 1 + 2 * a + 4 * RT_B * a * a * a;
            return RT_A * (2.0 / 3) * dden / (den * den);
        }, ORIGIN, 0.25);
    }

    /** DL4J's rectified tanh: {@code max(0, tanh z)}. */
    static Nonlinearity rectifiedTanh() {
        return Nonlinearity.of("rectifiedtanh", z -> z > 0 ? Math.tanh(z) : 0.0, z -> {
            if (!(z > 0)) {
                return 0.0;
            }
            double t = Math.tanh(z);
            return 1 - t * t;
        }, ORIGIN, 1.0);
    }

    /** DL4J's ReLU6: {@code min(6, max(0, z))}. */
    static Nonlinearity relu6() {
        return Nonlinearities.piecewiseLinear(Nonlinearity.of("relu6", z -> Math.min(6.0, Math.max(0.0, z)),
                z -> (z > 0 && z < 6) ? 1.0 : 0.0, new double[]{0.0, 6.0}, 4.0));
    }

    /**
     * DL4J's thresholded ReLU: {@code z} above θ, else 0. φ jumps at θ; the derivative is the almost-everywhere one,
     * as DL4J's backprop (the Dirac term at θ does not occur in any gradient DL4J computes).
     */
    static Nonlinearity thresholdedRelu(double theta) {
        return Nonlinearities.piecewiseLinear(Nonlinearity.of("thresholdedrelu(" + theta + ")",
                z -> z > theta ? z : 0.0, z -> z > theta ? 1.0 : 0.0, new double[]{0.0, theta}, 4.0));
    }

    /** DL4J's mish: {@code z·tanh(softplus(z))}. */
    static Nonlinearity mish() {
        return Nonlinearity.of("mish", z -> z * Math.tanh(softplus(z)), z -> {
            double t = Math.tanh(softplus(z));
            return t + z * (1 - t * t) * sigmoid(z);
        }, NONE, 1.0);
    }

    /**
     * DL4J's configurable ReLU ({@code ActivationReLU(max, threshold, negativeSlope)}): below the threshold
     * {@code t}, {@code ns·(z − t)} ({@code ns·z} when {@code t = 0}), else {@code z}, then capped at {@code max}.
     */
    static Nonlinearity configuredRelu(Double max, Double threshold, Double negativeSlope) {
        double t = threshold == null ? 0.0 : threshold;
        double ns = negativeSlope == null ? 0.0 : negativeSlope;
        boolean cap = max != null;
        double mx = cap ? max : Double.POSITIVE_INFINITY;
        boolean maskDerivative = max != null && max != 0.0;
        double[] breaks = cap ? new double[]{Math.min(t, mx), Math.max(t, mx)} : new double[]{t};
        if (cap && t == mx) {
            breaks = new double[]{t};
        }
        String name = "relu(max=" + max + ", threshold=" + threshold + ", negativeSlope=" + negativeSlope + ")";
        return Nonlinearities.piecewiseLinear(Nonlinearity.of(name, z -> {
            double v = z >= t ? z : (t == 0.0 ? ns * z : ns * (z - t));
            return Math.min(v, mx);
        }, z -> {
            double d;
            if (negativeSlope != null || threshold != null) {
                d = t == 0.0 ? (z > 0 ? 1.0 : ns) : (z >= t ? 1.0 : ns);
            } else {
                d = z > 0 ? 1.0 : 0.0;
            }
            return maskDerivative && !(z < mx) ? 0.0 : d;
        }, breaks, 4.0));
    }

    /**
     * DL4J's RReLU at inference: {@code RectifiedLinear(z, (l+u)/2)}, which DL4J M2.1 evaluates as
     * {@code max(z, a)}, {@code a = (l+u)/2} (measured against the op; not the leaky ReLU with the mean slope).
     * Its derivative here is {@code 1[z > a]}; DL4J's own backprop needs the random slopes of a training pass.
     */
    static Nonlinearity rreluInference(double l, double u) {
        double a = 0.5 * (l + u);
        return Nonlinearities.piecewiseLinear(Nonlinearity.of("rrelu(inference: max(z, " + a + "))",
                z -> Math.max(z, a), z -> z > a ? 1.0 : 0.0, new double[]{a}, 4.0));
    }

    static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }
}
