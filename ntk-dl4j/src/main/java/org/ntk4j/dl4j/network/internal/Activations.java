package org.ntk4j.dl4j.network.internal;

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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Set;

/** Gradients through a layer's activation for stacked epsilons. */
final class Activations {
    /** Activations that act element by element in inference mode: their derivative is shared by all outputs. */
    private static final Set<Class<?>> ELEMENTWISE = Set.of(ActivationCube.class, ActivationELU.class,
            ActivationGELU.class, ActivationHardSigmoid.class, ActivationHardTanH.class, ActivationLReLU.class,
            ActivationMish.class, ActivationRationalTanh.class, ActivationReLU.class, ActivationReLU6.class,
            ActivationRectifiedTanh.class, ActivationSELU.class, ActivationSigmoid.class, ActivationSoftPlus.class,
            ActivationSoftSign.class, ActivationSwish.class, ActivationTanH.class, ActivationThresholdedReLU.class);

    private Activations() {
    }

    /** @return whether the activation acts element by element in inference mode (identity included) */
    static boolean elementwise(IActivation activation) {
        return activation instanceof ActivationIdentity || ELEMENTWISE.contains(activation.getClass());
    }

    /**
     * @param activation the layer's activation
     * @param z          pre-activations of the block {@code [n, ...]}
     * @param eps        stacked epsilons w.r.t. the activation's output {@code [n·o, ...]}
     * @param outputs    o
     * @return stacked gradients w.r.t. {@code z}: for element-wise activations {@code σ'(z) ⊙ ε}, with {@code σ'}
     * computed once per example by the activation's own backward pass; otherwise (softmax, ...) the activation's
     * backward pass on the examples repeated once per output
     */
    static INDArray delta(IActivation activation, INDArray z, INDArray eps, int outputs) {
        if (activation instanceof ActivationIdentity) {
            return eps;
        }
        if (outputs == 1) {
            return activation.backprop(z.dup(), eps).getFirst();
        }
        if (ELEMENTWISE.contains(activation.getClass())) {
            INDArray derivative = activation.backprop(z.dup(), Nd4j.onesLike(z)).getFirst();
            return Stacking.mulPerExample(eps, derivative, outputs);
        }
        return activation.backprop(Stacking.repeatExamples(z, outputs), eps).getFirst();
    }
}
