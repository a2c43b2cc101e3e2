package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The UnitRule contract for {@link EmbeddingRule}: indices {@code [n, 1]} into 6 rows of 4, tanh. */
class EmbeddingRuleContractTest extends UnitRuleContract {
    EmbeddingRuleContractTest() {
        super(EmbeddingRule.class, 0, false, type -> init(base(type, 13).list()
                        .layer(new EmbeddingLayer.Builder().nIn(6).nOut(4).activation(Activation.TANH).biasInit(0.2).build())
                        .layer(new DenseLayer.Builder().nIn(4).nOut(2).activation(Activation.TANH).build())),
                EmbeddingRuleContractTest::indices);
    }

    /** @return indices with row 3 in every block (rows shared between the blocks) */
    private static INDArray indices(DataType type, long seed, int n) {
        java.util.Random r = new java.util.Random(seed);
        INDArray x = Nd4j.create(type, n, 1);
        for (int i = 0; i < n; i++) {
            x.putScalar(i, 0, i == 0 ? 3 : r.nextInt(6));
        }
        return x;
    }
}
