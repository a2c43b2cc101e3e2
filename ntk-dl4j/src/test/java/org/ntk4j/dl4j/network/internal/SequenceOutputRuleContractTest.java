package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The UnitRule contract for {@link SequenceOutputRule}: an RnnOutputLayer (3 → 2, softmax over the outputs of each
 * time step) on NCW sequences {@code [n, 3, 5]}, outputs {@code [n, 2, 5]}. DL4J's backward pass of an output layer
 * needs labels, so the input epsilons and the Gram are checked against central finite differences of its
 * inference-mode output (on the DOUBLE twin).
 */
class SequenceOutputRuleContractTest extends UnitRuleContract {
    SequenceOutputRuleContractTest() {
        super(SequenceOutputRule.class, 0, true, type -> init(base(type, 16).list()
                        .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
                                .activation(Activation.SOFTMAX).biasInit(0.2).build())),
                (type, seed, n) -> randn(type, seed, n, 3, 5));
    }
}
