package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The UnitRule contract for {@link DenseRule}, on a dense layer with a softmax (a non-elementwise activation). */
class DenseRuleContractTest extends UnitRuleContract {
    DenseRuleContractTest() {
        super(DenseRule.class, 0, false);
    }

    @Override
    protected MultiLayerNetwork network(DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(base(type, 11).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.SOFTMAX).biasInit(0.3).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(2).activation(Activation.TANH).build())
                .build());
        net.init();
        return net;
    }

    @Override
    protected INDArray input(DataType type, long seed, int n) {
        return randn(type, seed, n, 4);
    }
}
