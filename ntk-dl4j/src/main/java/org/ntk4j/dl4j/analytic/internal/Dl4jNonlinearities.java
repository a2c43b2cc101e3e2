package org.ntk4j.dl4j.analytic.internal;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationCube;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationMish;
import org.nd4j.linalg.activations.impl.ActivationRationalTanh;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationRReLU;
import org.nd4j.linalg.activations.impl.ActivationRectifiedTanh;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.ntk4j.core.analytic.Nonlinearities;
import org.ntk4j.core.analytic.Nonlinearity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Maps DL4J's elementwise {@link IActivation}s to {@link Nonlinearity}. ReLU (without cap or threshold), leaky ReLU,
 * identity and ntk4j's {@code ActivationErf} map to the closed forms; every other DL4J activation to a Java function
 * computing what DL4J's op computes, with its breakpoints (checked against DL4J's ops in the tests): the
 * piecewise-linear ones (hard-tanh, hard sigmoid, ReLU6, thresholded ReLU, RReLU at inference, the configurable ReLU)
 * with the closed form of {@link Nonlinearities#piecewiseLinear}, the others integrated by the error-controlled
 * numerical rule. RReLU maps to what DL4J M2.1 computes at inference (see
 * {@link Dl4jFunctions#rreluInference}); ThresholdedReLU, whose value jumps, to its almost-everywhere derivative, as
 * DL4J's backprop.
 */
public final class Dl4jNonlinearities {
    private Dl4jNonlinearities() {
    }

    private static final Map<Class<? extends IActivation>, Function<IActivation, Nonlinearity>> RULES =
            new LinkedHashMap<>();

    static {
        RULES.put(ActivationIdentity.class, a -> Nonlinearities.identity());
        RULES.put(ActivationReLU.class, Dl4jNonlinearities::relu);
        RULES.put(ActivationLReLU.class, a -> Nonlinearities.leakyRelu(((ActivationLReLU) a).getAlpha()));
        RULES.put(org.ntk4j.dl4j.analytic.ActivationErf.class, a -> Nonlinearities.erf());
        // same functions as DL4J's ops, in Java (fast); Dl4jNonlinearitiesTest checks them against DL4J on a grid
        RULES.put(ActivationTanH.class, a -> Nonlinearities.tanh());
        RULES.put(ActivationSigmoid.class, a -> Nonlinearities.sigmoid());
        RULES.put(ActivationSoftPlus.class, a -> Nonlinearities.softplus());
        RULES.put(ActivationSELU.class, a -> Nonlinearities.selu());
        RULES.put(ActivationSwish.class, a -> Nonlinearities.swish());
        RULES.put(ActivationHardTanH.class, a -> Nonlinearities.hardTanh());
        RULES.put(ActivationCube.class, a -> Nonlinearities.cube());
        RULES.put(ActivationSoftSign.class, a -> Nonlinearities.softsign());
        RULES.put(ActivationELU.class, a -> Dl4jFunctions.elu(((ActivationELU) a).getAlpha()));
        RULES.put(ActivationGELU.class, a -> {
            if (((ActivationGELU) a).isPrecise()) {
                throw new IllegalArgumentException("ActivationGELU(precise=true) is not supported by the analytic "
                        + "kernel: DL4J M2.1's PreciseGELU op does not compute the documented tanh formula (measured "
                        + "-2.1e-5 at z = -8), so no twin is verified; use Activation.GELU (precise=false)");
            }
            return Dl4jFunctions.geluSigmoid();
        });
        RULES.put(ActivationHardSigmoid.class, a -> Dl4jFunctions.hardSigmoid());
        RULES.put(ActivationRationalTanh.class, a -> Dl4jFunctions.rationalTanh());
        RULES.put(ActivationRectifiedTanh.class, a -> Dl4jFunctions.rectifiedTanh());
        RULES.put(ActivationReLU6.class, a -> Dl4jFunctions.relu6());
        RULES.put(ActivationThresholdedReLU.class,
                a -> Dl4jFunctions.thresholdedRelu(((ActivationThresholdedReLU) a).getTheta()));
        RULES.put(ActivationMish.class, a -> Dl4jFunctions.mish());
        RULES.put(ActivationRReLU.class, a -> Dl4jFunctions.rreluInference(((ActivationRReLU) a).getL(),
                ((ActivationRReLU) a).getU()));
    }

    /** Names of the supported activations, for messages. */
    public static final String SUPPORTED = "IDENTITY, RELU, LEAKYRELU, TANH, SIGMOID, SOFTPLUS, ELU, SELU, GELU, "
            + "SWISH, HARDTANH, CUBE, SOFTSIGN, HARDSIGMOID, RATIONALTANH, RECTIFIEDTANH, RELU6, THRESHOLDEDRELU, MISH, "
            + "RRELU (inference), and ntk4j's ActivationErf";

    /**
     * @param a     an activation of a hidden layer
     * @param where the layer, for messages
     * @return the matching nonlinearity
     * @throws IllegalArgumentException for activations that are not elementwise (softmax, ...)
     */
    public static Nonlinearity of(IActivation a, String where) {
        Function<IActivation, Nonlinearity> f = a == null ? null : RULES.get(a.getClass());
        if (f == null) {
            throw new IllegalArgumentException(where + ": activation " + (a == null ? "null" : a.toString())
                    + " is not supported in a hidden layer of the analytic kernel (it must be elementwise and "
                    + "deterministic); supported: " + SUPPORTED);
        }
        return f.apply(a);
    }

    private static Nonlinearity relu(IActivation act) {
        ActivationReLU r = (ActivationReLU) act;
        boolean plainThreshold = r.getThreshold() == null || r.getThreshold() == 0.0;
        if (r.getMax() == null && plainThreshold) {
            Double ns = r.getNegativeSlope();
            return ns == null || ns == 0.0 ? Nonlinearities.relu() : Nonlinearities.leakyRelu(ns);
        }
        return Dl4jFunctions.configuredRelu(r.getMax(), r.getThreshold(), r.getNegativeSlope());
    }

    /**
     * @return {@code outer ∘ inner} ({@code outer} applied after {@code inner}), with the chain-rule derivative
     */
    public static Nonlinearity compose(Nonlinearity outer, Nonlinearity inner) {
        if (inner.isIdentity()) {
            return outer;
        }
        if (outer.isIdentity()) {
            return inner;
        }
        return new Composite(outer, inner);
    }

    /** outer ∘ inner. */
    private record Composite(Nonlinearity outer, Nonlinearity inner) implements Nonlinearity {
        @Override
        public String name() {
            return outer.name() + "∘" + inner.name();
        }

        @Override
        public double value(double z) {
            return outer.value(inner.value(z));
        }

        @Override
        public double derivative(double z) {
            return outer.derivative(inner.value(z)) * inner.derivative(z);
        }

        @Override
        public void evaluate(double[] z, int n, double[] values, double[] derivatives) {
            double[] v1 = new double[n];
            double[] d1 = new double[n];
            inner.evaluate(z, n, v1, d1);
            outer.evaluate(v1, n, values, derivatives);
            for (int i = 0; i < n; i++) {
                derivatives[i] *= d1[i];
            }
        }

        @Override
        public Optional<org.ntk4j.core.analytic.GaussianClosedForm> closedForm() {
            return Optional.empty();
        }

        /**
         * The breakpoints of both functions: exact for the inner ones; the outer function's breakpoints are only
         * guessed (their pre-images are not known), so the finer smoothness scale and the error estimate guard them.
         */
        @Override
        public double[] breakpoints() {
            double[] a = inner.breakpoints();
            double[] b = outer.breakpoints();
            double[] all = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return java.util.Arrays.stream(all).sorted().distinct().toArray();
        }

        @Override
        public double smoothnessScale() {
            return 0.25 * Math.min(inner.smoothnessScale(), outer.smoothnessScale());
        }
    }
}
