package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The UnitRule contract for {@link PerPositionActivationRule} on a CnnLossLayer in NHWC: softmax over the 3 channels
 * (last axis) of each pixel of {@code [n, 2, 3, 3]}; references by central finite differences, as in
 * {@link PerPositionActivationRuleContractTest}.
 */
class PerPositionActivationRuleCnnContractTest extends UnitRuleContract {
    PerPositionActivationRuleCnnContractTest() {
        super(PerPositionActivationRule.class, 0, true, type -> init(base(type, 19).list()
                        .layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).format(CNN2DFormat.NHWC)
                                .activation(Activation.SOFTMAX).build())),
                (type, seed, n) -> randn(type, seed, n, 2, 3, 3));
    }
}
