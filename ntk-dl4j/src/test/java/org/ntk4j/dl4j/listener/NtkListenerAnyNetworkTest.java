package org.ntk4j.dl4j.listener;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;
import org.ntk4j.dl4j.FiniteDifferenceNtk;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The listener on the networks of "any network": an LSTM sequence model trained with fit(iterator) on masked
 * variable-length data, and a two-head graph; the last snapshot's kernel is checked against finite differences of
 * the trained network.
 */
class NtkListenerAnyNetworkTest extends NtkTestBase {
    private static final DataType D = DataType.DOUBLE;

    private static NeuralNetConfiguration.Builder base(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(D).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER);
    }

    private static INDArray randn(long seed, long... shape) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian(shape).castTo(D);
    }

    @Test
    void lstmSequenceModelTrainedOnMaskedBatches() {
        MultiLayerNetwork net = new MultiLayerNetwork(base(81).list()
                .layer(new LSTM.Builder().nOut(3).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(2, 4)).build());
        net.init();
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            INDArray mask = Nd4j.ones(D, 4, 4);
            mask.putScalar(new long[]{1, 3}, 0.0);
            mask.putScalar(new long[]{2, 2}, 0.0);
            mask.putScalar(new long[]{2, 3}, 0.0);
            batches.add(new DataSet(randn(90 + b, 4, 2, 4), randn(95 + b, 4, 1, 4), mask, mask));
        }
        INDArray probe = randn(99, 3, 2, 4);
        NtkListener listener = NtkListener.builder(probe).everyNIterations(1).build();
        net.addListeners(listener);
        net.fit(new ListDataSetIterator<>(batches, 1));
        assertEquals(4, listener.history().size(), "a snapshot at the start and after each of the 3 iterations");
        INDArray ref = FiniteDifferenceNtk.trace(net, new INDArray[]{probe}, new INDArray[]{probe}, Set.of(), 1e-5);
        NtkAssertions.assertClose(ref, listener.latestKernel(), Tolerances.DOUBLE.finiteDiff(), "latest kernel vs FD");
    }

    @Test
    void twoHeadGraphTrainedWithMultiDataSets() {
        ComputationGraph g = new ComputationGraph(base(82).graphBuilder().addInputs("in")
                .addLayer("shared", new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("a", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2)
                        .activation(Activation.IDENTITY).build(), "shared")
                .addLayer("b", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "shared")
                .setOutputs("a", "b").build());
        g.init();
        INDArray probe = randn(83, 4, 3);
        NtkListener listener = NtkListener.builder(probe).everyNIterations(1).build();
        g.addListeners(listener);
        INDArray labelsB = Nd4j.zeros(D, 6, 3);
        for (int i = 0; i < 6; i++) {
            labelsB.putScalar(i, i % 3, 1.0);
        }
        for (int it = 0; it < 2; it++) {
            g.fit(new MultiDataSet(new INDArray[]{randn(84, 6, 3)}, new INDArray[]{randn(85, 6, 2), labelsB}));
        }
        INDArray ref = FiniteDifferenceNtk.trace(g, new INDArray[]{probe}, new INDArray[]{probe}, Set.of(), 1e-5);
        NtkAssertions.assertClose(ref, listener.latestKernel(), Tolerances.DOUBLE.finiteDiff(),
                "latest kernel of both heads (m = 2 + 3) vs FD");
    }
}
