package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** An input preprocessor (reshapes between layer kinds): forward and backward through DL4J's own methods. */
public final class PreprocessorRule implements UnitRule {
    private final InputPreProcessor pp;

    /** @param pp the preprocessor */
    public PreprocessorRule(InputPreProcessor pp) {
        this.pp = pp;
    }

    @Override
    public Forward forward(INDArray[] inputs) {
        return new Forward(pp.preProcess(inputs[0], (int) inputs[0].size(0), GenericLayerRule.mgr()), null);
    }

    @Override
    public Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode,
                             boolean needInputEps) {
        INDArray e = needInputEps ? pp.backprop(eps, (int) eps.size(0), GenericLayerRule.mgr()) : null;
        return new Backward(new INDArray[]{e}, null);
    }

    @Override
    public INDArray mask(INDArray[] inputMasks, long n) {
        if (inputMasks[0] == null) {
            return null;
        }
        org.nd4j.common.primitives.Pair<INDArray, org.deeplearning4j.nn.api.MaskState> p =
                pp.feedForwardMaskArray(inputMasks[0], org.deeplearning4j.nn.api.MaskState.Active, (int) n);
        return p == null ? null : p.getFirst();
    }

    @Override
    public boolean hasParameters() {
        return false;
    }
}
