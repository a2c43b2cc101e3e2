package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LastTimeStep: the exact generic rule without masks. With a feature mask (even one of all ones) the per-example
 * gradients of DL4J's LastTimeStepLayer backward pass differ from finite differences of DL4J's masked output by about
 * 1e-4 relative (measured on LSTM and SimpleRnn), so a mask reaching it is refused.
 */
final class LastTimeStepRule extends GenericLayerRule {
    LastTimeStepRule(Layer layer) {
        super(layer);
    }

    @Override
    public INDArray mask(INDArray[] inputMasks, long n) {
        if (inputMasks[0] != null) {
            throw new UnsupportedOperationException("LastTimeStep with a feature mask is not exact in DL4J 1.0.0-M2.1"
                    + " (its gradients disagree with finite differences of the masked output); use a"
                    + " GlobalPoolingLayer, which applies masks exactly, or pass sequences of equal length without masks");
        }
        return super.mask(inputMasks, n);
    }
}
