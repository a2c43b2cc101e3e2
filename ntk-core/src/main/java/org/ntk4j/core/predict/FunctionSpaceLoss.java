package org.ntk4j.core.predict;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The gradient of a per-example loss with respect to the network outputs, used by {@link FunctionSpaceOde}.
 *
 * <p>Implementations return, for outputs {@code f [n, o]} and targets {@code y [n, o]}, the array
 * {@code [n, o]} of {@code ∂ℓ(f_i, y_i)/∂f_i} per example (not divided by n: the ODE divides by n as DL4J's updater
 * does).
 */
@FunctionalInterface
public interface FunctionSpaceLoss {

    /**
     * @param outputs {@code [n, o]}
     * @param targets {@code [n, o]}
     * @return {@code [n, o]} per-example gradients, a new array
     */
    INDArray gradient(INDArray outputs, INDArray targets);

    /**
     * DL4J's {@code LossMSE}: {@code ℓ = (1/o) Σ_k (f_k − y_k)²}, gradient {@code 2(f − y)/o}.
     *
     * @return the loss
     */
    static FunctionSpaceLoss mse() {
        return (f, y) -> f.sub(y).muli(2.0 / f.size(1));
    }

    /**
     * Cross-entropy of a softmax applied to the outputs (the outputs are logits):
     * {@code ℓ = −Σ_k y_k log softmax(f)_k}, gradient {@code softmax(f)·Σ_k y_k − y} ({@code softmax(f) − y} for
     * one-hot targets); DL4J's {@code LossMCXENT} with a softmax output, seen from the logits.
     *
     * @return the loss
     */
    static FunctionSpaceLoss softmaxCrossEntropy() {
        return (f, y) -> Transforms.softmax(f, true).muliColumnVector(y.sum(true, 1)).subi(y);
    }
}
