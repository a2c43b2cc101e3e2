package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Common part of the rules for layers {@code out = σ(z)}, {@code z = (row of) a W + b}, whose per-example gradient is
 * an outer product with the pre-activation gradient {@code Δ}: their weights {@code W} ({@code [nIn, nOut]}),
 * bias {@code b} and activation, which of them are trainable, and {@code Δ} from stacked epsilons.
 */
abstract class OuterProductRule extends GenericLayerRule {
    /** Weights {@code [nIn, nOut]}. */
    protected final INDArray w;
    /** Bias {@code [1, nOut]}, or null. */
    protected final INDArray b;
    /** The layer's activation. */
    protected final IActivation activation;
    /** Whether W is an NTK parameter. */
    protected final boolean trainW;
    /** Whether b is an NTK parameter. */
    protected final boolean trainB;

    OuterProductRule(Layer layer) {
        super(layer);
        this.w = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
        this.b = layer.paramTable().get(DefaultParamInitializer.BIAS_KEY);
        this.activation = ((BaseLayer) layer.conf().getLayer()).getActivationFn();
        this.trainW = trainable.contains(DefaultParamInitializer.WEIGHT_KEY);
        this.trainB = b != null && trainable.contains(DefaultParamInitializer.BIAS_KEY);
    }

    /**
     * @param z       pre-activations of the block, {@code [n, nOut]}
     * @param eps     stacked epsilons {@code [n·o, nOut]}
     * @param outputs o
     * @return {@code Δ = σ'(z) ⊙ ε} per stacked row (the activation's own backward pass)
     */
    protected INDArray delta(INDArray z, INDArray eps, int outputs) {
        return Activations.delta(activation, z, eps, outputs);
    }

    /**
     * @param xw {@code a W} (or the looked-up rows of W), {@code [n, nOut]}; the bias is added in place
     * @return the layer's output {@code σ(z)} with {@code z} kept for the backward step
     */
    protected Forward finishForward(INDArray xw) {
        if (b != null) {
            xw.addiRowVector(b);
        }
        return new Forward(activation.getActivation(xw.dup(), false), xw);
    }

    /**
     * @param input   the layer's input on the block (for the per-example fallback of JACOBIAN)
     * @param fwd     the forward result
     * @param eps     stacked epsilons
     * @param outputs o
     * @param mode    structured or explicit
     * @param gram    the example side of the structured factor
     * @param delta   {@link #delta} of the block
     * @return the unit's factor, null when neither W nor b is trainable
     */
    protected Factor factor(INDArray input, INDArray eps, int outputs, ParamMode mode, GramFactor.Gram gram,
                            INDArray delta) {
        if (!(trainW || trainB)) {
            return null;
        }
        return mode == ParamMode.JACOBIAN
                ? new GradientFactor(perExampleGradients(input, eps, outputs), outputs)
                : new GramFactor(gram, delta, outputs);
    }

    @Override
    public INDArray mask(INDArray[] inputMasks, long n) {
        return refuseMask(inputMasks);
    }

    @Override
    protected boolean forwardBeforeBackward() {
        return false;
    }

    @Override
    public boolean structured() {
        return true;
    }
}
