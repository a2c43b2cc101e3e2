package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The UnitRule contract for {@link SequenceOutputRule} in the NWC layout: an RnnOutputLayer (3 → 2, tanh) on
 * sequences {@code [n, 4, 3]} (time before channels), outputs {@code [n, 4, 2]}; references by central finite
 * differences, as in {@link SequenceOutputRuleContractTest}.
 */
class SequenceOutputRuleNwcContractTest extends UnitRuleContract {
    SequenceOutputRuleNwcContractTest() {
        super(SequenceOutputRule.class, 0, true, type -> init(base(type, 17).list()
                        .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
                                .dataFormat(RNNFormat.NWC).activation(Activation.TANH).biasInit(0.2).build())),
                (type, seed, n) -> randn(type, seed, n, 4, 3));
    }
}
