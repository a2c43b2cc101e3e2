package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.core.testing.NtkAssertions;

/**
 * The UnitRule contract for {@link BatchNormRule} on {@code [n, 5]} activations with non-trivial running statistics,
 * gain and shift. DL4J's own backward pass of BatchNormalization uses minibatch statistics, so the input epsilons and
 * the Gram are checked against central finite differences of its inference-mode output (on the DOUBLE twin).
 */
class BatchNormRuleContractTest extends UnitRuleContract {
    BatchNormRuleContractTest() {
        super(BatchNormRule.class, 1, true, BatchNormRuleContractTest::network, (type, seed, n) -> randn(type, seed, n, 5));
    }

    private static MultiLayerNetwork network(DataType type) {
        MultiLayerNetwork net = init(base(type, 12).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().nOut(5).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(2).activation(Activation.TANH).build()));
        Layer bn = net.getLayer(1);
        bn.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).assign(NtkAssertions.gaussian(type, 1, 1, 5));
        bn.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)        // DL4J's default: log10 of the std
                .assign(NtkAssertions.gaussian(type, 2, 1, 5).muli(0.1).addi(0.2));
        bn.getParam(BatchNormalizationParamInitializer.GAMMA)
                .assign(NtkAssertions.gaussian(type, 3, 1, 5).muli(0.3).addi(1));
        bn.getParam(BatchNormalizationParamInitializer.BETA).assign(NtkAssertions.gaussian(type, 4, 1, 5).muli(0.2));
        return net;
    }
}
