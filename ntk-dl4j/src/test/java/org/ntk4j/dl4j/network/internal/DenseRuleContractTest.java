package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;

/** The UnitRule contract for {@link DenseRule}, on a dense layer with a softmax (a non-elementwise activation). */
class DenseRuleContractTest extends UnitRuleContract {
    DenseRuleContractTest() {
        super(DenseRule.class, 0, false, type -> init(base(type, 11).list()
                        .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.SOFTMAX).biasInit(0.3).build())
                        .layer(new DenseLayer.Builder().nIn(5).nOut(2).activation(Activation.TANH).build())),
                (type, seed, n) -> randn(type, seed, n, 4));
    }
}
