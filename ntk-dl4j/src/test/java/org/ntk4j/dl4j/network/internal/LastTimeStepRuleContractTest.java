package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The UnitRule contract for {@link LastTimeStepRule}: LastTimeStep around a SimpleRnn (2 → 3, tanh) on NCW sequences
 * {@code [n, 2, 4]}, outputs {@code [n, 3]}. The rule is DL4J's own backward pass (the exact generic rule), so the
 * references are independent here: central finite differences of the inference-mode output w.r.t. the input and every
 * parameter (W, RW, b), in DOUBLE. Plus the rule's one difference from the generic rule: a feature mask is refused.
 */
class LastTimeStepRuleContractTest extends UnitRuleContract {
    LastTimeStepRuleContractTest() {
        super(LastTimeStepRule.class, 0, true, LastTimeStepRuleContractTest::network,
                (type, seed, n) -> randn(type, seed, n, 2, 4));
    }

    private static MultiLayerNetwork network(DataType type) {
        return init(base(type, 20).list()
                .layer(new LastTimeStep(new SimpleRnn.Builder().nIn(2).nOut(3).activation(Activation.TANH).build()))
                .layer(new DenseLayer.Builder().nIn(3).nOut(2).activation(Activation.TANH).build()));
    }

    @Test
    public void aFeatureMaskIsRefusedAndNoMaskPasses() {
        MultiLayerNetwork net = network(DataType.DOUBLE);
        net.initGradientsView();
        UnitRule rule = LayerRules.of(net.getLayer(0));
        assertNull(rule.mask(new INDArray[]{null}, 3), "no mask: none reaches the next layer");
        INDArray ones = Nd4j.ones(DataType.DOUBLE, 3, 4);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> rule.mask(new INDArray[]{ones}, 3));
        assertTrue(e.getMessage().contains("GlobalPoolingLayer"), e.getMessage());
    }
}
