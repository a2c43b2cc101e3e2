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
import org.nd4j.linalg.activations.impl.ActivationRectifiedTanh;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.analytic.Nonlinearities;
import org.ntk4j.core.analytic.Nonlinearity;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Maps DL4J's elementwise {@link IActivation}s to {@link Nonlinearity}. ReLU (without cap or threshold), leaky ReLU,
 * identity and ntk4j's {@code ActivationErf} map to the closed forms; tanh, sigmoid, softplus, SELU, swish,
 * hard-tanh, cube and softsign to Java implementations of the same functions (checked against DL4J's ops in the tests);
 * the others (ELU — whose DL4J derivative ignores {@code alpha ≠ 1} —, GELU, hard sigmoid, rational tanh, rectified tanh, ReLU6, thresholded ReLU, Mish, capped or thresholded
 * ReLU) are evaluated by DL4J's own {@code getActivation}/{@code backprop} in DOUBLE, so the kernel integrates exactly
 * the function the network uses. All but the closed forms are integrated by quadrature.
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
        // evaluated by DL4J's own op
        // ELU: DL4J's backprop (EluBp) ignores alpha != 1 (derivative e^z for z < 0 whatever alpha), and the NTK of a
        // DL4J network uses that derivative, so DL4J's own op is integrated
        for (Class<? extends IActivation> c : java.util.List.of(ActivationELU.class, ActivationGELU.class,
                ActivationHardSigmoid.class,
                ActivationRationalTanh.class, ActivationRectifiedTanh.class, ActivationReLU6.class,
                ActivationThresholdedReLU.class, ActivationMish.class)) {
            RULES.put(c, Dl4jActivation::new);
        }
    }

    /** Names of the supported activations, for messages. */
    public static final String SUPPORTED = "IDENTITY, RELU, LEAKYRELU, TANH, SIGMOID, SOFTPLUS, ELU, SELU, GELU, "
            + "SWISH, HARDTANH, CUBE, SOFTSIGN, HARDSIGMOID, RATIONALTANH, RECTIFIEDTANH, RELU6, THRESHOLDEDRELU, MISH, and ntk4j's ActivationErf";

    /**
     * @param a     an activation of a hidden layer
     * @param where the layer, for messages
     * @return the matching nonlinearity
     * @throws IllegalArgumentException for activations that are not elementwise and deterministic (softmax, RReLU, ...)
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
        return new Dl4jActivation(act);
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

    /** A DL4J activation evaluated through ND4J, in DOUBLE. */
    static final class Dl4jActivation implements Nonlinearity {
        private final IActivation activation;

        Dl4jActivation(IActivation activation) {
            this.activation = activation;
        }

        @Override
        public String name() {
            return activation.toString();
        }

        @Override
        public double value(double z) {
            double[] v = new double[1];
            double[] d = new double[1];
            evaluate(new double[]{z}, 1, v, d);
            return v[0];
        }

        @Override
        public double derivative(double z) {
            double[] v = new double[1];
            double[] d = new double[1];
            evaluate(new double[]{z}, 1, v, d);
            return d[0];
        }

        @Override
        public void evaluate(double[] z, int n, double[] values, double[] derivatives) {
            INDArray in = Nd4j.createFromArray(n == z.length ? z : Arrays.copyOf(z, n)).reshape(1, n);
            INDArray out = activation.getActivation(in.dup(), false);
            INDArray grad = activation.backprop(in.dup(), Nd4j.ones(DataType.DOUBLE, 1, n)).getFirst();
            System.arraycopy(out.castTo(DataType.DOUBLE).reshape(n).toDoubleVector(), 0, values, 0, n);
            System.arraycopy(grad.castTo(DataType.DOUBLE).reshape(n).toDoubleVector(), 0, derivatives, 0, n);
        }

        @Override
        public String toString() {
            return name();
        }
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
    }
}
