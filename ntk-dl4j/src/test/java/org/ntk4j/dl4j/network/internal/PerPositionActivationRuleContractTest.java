package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The UnitRule contract for {@link PerPositionActivationRule} on an RnnLossLayer: softmax over the 3 channels of each
 * time step of NCW sequences {@code [n, 3, 4]}. The layer has no parameters (no factor); DL4J's backward pass of a
 * loss layer needs labels, so the input epsilons are checked against central finite differences of its
 * inference-mode output.
 */
class PerPositionActivationRuleContractTest extends UnitRuleContract {
    PerPositionActivationRuleContractTest() {
        super(PerPositionActivationRule.class, 0, true, type -> init(base(type, 18).list()
                        .layer(new RnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.SOFTMAX)
                                .build())),
                (type, seed, n) -> randn(type, seed, n, 3, 4));
    }
}
