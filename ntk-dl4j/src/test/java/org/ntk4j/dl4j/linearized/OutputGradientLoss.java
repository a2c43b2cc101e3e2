package org.ntk4j.dl4j.linearized;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A "loss" whose gradient with respect to the network output is the labels array: back-propagating it with a one-hot
 * label row {@code e_k} gives {@code ∂f_k/∂θ}. Used only on private copies of a network.
 */
final class OutputGradientLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        return 0.0;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return labels.sum(true, 1).muli(0.0);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        // dOut/dz applied to dL/dOut = labels; backprop overwrites its first argument, hence the dup
        return activationFn.backprop(preOutput.dup(), labels.castTo(preOutput.dataType()).dup()).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(0.0, computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "OutputGradientLoss";
    }
}
