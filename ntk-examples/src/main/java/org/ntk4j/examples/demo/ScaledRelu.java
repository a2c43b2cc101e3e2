package org.ntk4j.examples.demo;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The activation {@code h = a · max(z, 0)}: a ReLU followed by a constant factor {@code a}. With {@code a = σ_w/√n}
 * (n the width of the layer it feeds) it moves the NTK parameterization's {@code 1/√n} factor into the forward pass
 * of a plain DL4J {@code DenseLayer}, whose weights can then be initialised as {@code N(0, 1)} and trained as they are
 * (see {@link NtkMlp}). Element-wise; no parameters; serialisable to DL4J's JSON (no-argument constructor and bean
 * property {@code scale}).
 */
public final class ScaledRelu extends BaseActivationFunction {
    private static final long serialVersionUID = 1L;
    /** The factor {@code a}. */
    private double scale;

    /** A plain ReLU ({@code a = 1}); for JSON deserialisation. */
    public ScaledRelu() {
        this(1.0);
    }

    /** @param scale the factor {@code a}, finite and &gt; 0 */
    public ScaledRelu(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0 (got: " + scale + ")");
        }
        this.scale = scale;
    }

    /** @return the factor {@code a} */
    public double getScale() {
        return scale;
    }

    /** @param scale the factor {@code a}, finite and &gt; 0 (for JSON deserialisation) */
    public void setScale(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0 (got: " + scale + ")");
        }
        this.scale = scale;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        Transforms.relu(in, false);
        return in.muli(scale);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray slope = in.gt(0.0).castTo(in.dataType()).muli(scale);
        return new Pair<>(slope.muli(epsilon), null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaledRelu s && Double.compare(s.scale, scale) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(scale);
    }

    @Override
    public String toString() {
        return "scaledrelu(" + scale + ")";
    }
}
