package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The UnitRule contract for the exact fallback {@link GenericLayerRule}, on a dense layer with layer normalization
 * (which has no structured rule). Its epsilons and per-example gradients are DL4J's own, so the references are
 * independent here: central finite differences of the inference-mode output w.r.t. the input and w.r.t. every
 * parameter (W, b and the gain), in DOUBLE.
 */
class GenericLayerRuleContractTest extends UnitRuleContract {
    @Override
    protected MultiLayerNetwork network(DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(base(type, 15).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).hasLayerNorm(true)
                        .biasInit(0.2).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(2).activation(Activation.TANH).build())
                .build());
        net.init();
        net.getLayer(0).paramTable().forEach((name, p) -> p.addi(org.ntk4j.core.testing.NtkAssertions
                .gaussian(type, name.hashCode(), p.shape()).muli(0.2)));   // gain away from 1
        return net;
    }

    @Override
    protected int layerIndex() {
        return 0;
    }

    @Override
    protected Class<? extends UnitRule> ruleClass() {
        return GenericLayerRule.class;
    }

    @Override
    protected INDArray input(DataType type, long seed, int n) {
        return randn(type, seed, n, 4);
    }

    @Override
    protected boolean usesFiniteDifferences() {
        return true;
    }

    @Override
    protected INDArray referenceInputEps(Layer layer, INDArray x, INDArray eps) {
        return finiteDifferenceInputEps(doubleTwin(layer), x.castTo(DataType.DOUBLE), eps.castTo(DataType.DOUBLE))
                .castTo(x.dataType());
    }

    @Override
    protected INDArray referenceGram(Layer layer, INDArray x1, INDArray x2) {
        DataType t = x1.dataType();
        Layer d = doubleTwin(layer);
        String[] names = d.paramTable().keySet().toArray(new String[0]);
        INDArray[] j = new INDArray[2];
        INDArray[] x = {x1.castTo(DataType.DOUBLE), x2.castTo(DataType.DOUBLE)};
        for (int b = 0; b < 2; b++) {
            INDArray out = d.activate(x[b].dup(), false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            INDArray eps = blockEps(out.castTo(t), b).castTo(DataType.DOUBLE);
            j[b] = finiteDifferenceParamGradients(d, x[b], eps, names);
        }
        return j[0].mmul(j[1].transpose()).castTo(t);
    }
}
