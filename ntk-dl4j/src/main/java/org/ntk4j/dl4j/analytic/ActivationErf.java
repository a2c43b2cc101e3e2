package org.ntk4j.dl4j.analytic;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The error function {@code erf(z)} as a DL4J activation, with derivative {@code (2/√π) e^{−z²}}: a tanh-like
 * activation whose infinite-width kernels are in closed form (Williams, 1997). Use it as
 * {@code new DenseLayer.Builder().activation(new ActivationErf())}; {@link AnalyticKernels} maps it to
 * {@link org.ntk4j.core.analytic.Nonlinearities#erf()}.
 */
public final class ActivationErf extends BaseActivationFunction {
    private static final long serialVersionUID = 1L;
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        Nd4j.getExecutioner().exec(new Erf(in, in));
        return in;
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray d = Transforms.exp(in.muli(in).negi(), false).muli(TWO_OVER_SQRT_PI).muli(epsilon);
        return new Pair<>(d, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivationErf;
    }

    @Override
    public int hashCode() {
        return ActivationErf.class.hashCode();
    }

    @Override
    public String toString() {
        return "erf";
    }
}
