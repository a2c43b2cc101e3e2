package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.core.testing.NtkAssertions;

/**
 * The UnitRule contract for the exact fallback {@link GenericLayerRule}, on a dense layer with layer normalization
 * (which has no structured rule). Its epsilons and per-example gradients are DL4J's own, so the references are
 * independent here: central finite differences of the inference-mode output w.r.t. the input and w.r.t. every
 * parameter (W, b and the gain), in DOUBLE.
 */
class GenericLayerRuleContractTest extends UnitRuleContract {
    GenericLayerRuleContractTest() {
        super(GenericLayerRule.class, 0, true, GenericLayerRuleContractTest::network,
                (type, seed, n) -> randn(type, seed, n, 4));
    }

    private static MultiLayerNetwork network(DataType type) {
        MultiLayerNetwork net = init(base(type, 15).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).hasLayerNorm(true)
                        .biasInit(0.2).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(2).activation(Activation.TANH).build()));
        net.getLayer(0).paramTable().forEach((name, p) ->
                p.addi(NtkAssertions.gaussian(type, name.hashCode(), p.shape()).muli(0.2)));   // gain away from 1
        return net;
    }
}
