package org.ntk4j.dl4j.listener;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lazy-training effect seen through the listener: on the circle task of Jacot et al. (32 points on the unit
 * circle, target sin 3t), one-hidden-layer tanh MLPs of width 64 and 1024 trained with the same full-batch Sgd
 * learning rate for the same number of steps: the wide network's kernel drifts several times less, although it fits
 * the data better. The learning rate (0.003) is below the stable rate of the wide network (about 0.007 by the
 * listener's own estimate, checked here) so both runs are stable.
 */
class NtkLazyTrainingTest extends NtkTestBase {
    private static final double LR = 0.003;
    private static final int STEPS = 150;

    private static MultiLayerNetwork mlp(int width) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(42)
                .dataType(DataType.DOUBLE).updater(new Sgd(LR)).weightInit(WeightInit.NORMAL).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(width).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(width).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        n.init();
        return n;
    }

    private static DataSet circle(int n) {
        INDArray x = Nd4j.create(DataType.DOUBLE, n, 2), y = Nd4j.create(DataType.DOUBLE, n, 1);
        for (int i = 0; i < n; i++) {
            double t = 2 * Math.PI * i / n;
            x.putScalar(i, 0, Math.cos(t));
            x.putScalar(i, 1, Math.sin(t));
            y.putScalar(i, 0, Math.sin(3 * t));
        }
        return new DataSet(x, y);
    }

    private record Run(List<NtkSnapshot> history, double score) {
    }

    private static Run train(int width, DataSet data) {
        MultiLayerNetwork net = mlp(width);
        NtkListener l = NtkListener.builder(data).everyNIterations(50).build();
        net.addListeners(l);
        for (int s = 0; s < STEPS; s++) {
            net.fit(data);
        }
        return new Run(l.history(), net.score(data));
    }

    @Test
    void wideNetworkDriftsSeveralTimesLess() {
        DataSet data = circle(32);
        Run n64 = train(64, data), n1024 = train(1024, data);
        List<NtkSnapshot> narrow = n64.history(), wide = n1024.history();
        assertEquals(4, narrow.size());
        assertEquals(4, wide.size());
        assertTrue(LR < wide.get(0).maxStableLearningRate(), "stable for the wide network: " + wide.get(0));
        for (List<NtkSnapshot> h : List.of(narrow, wide)) {
            assertEquals(0.0, h.get(0).drift(), 0.0);
            for (int i = 1; i < h.size(); i++) {
                assertTrue(h.get(i).drift() > h.get(i - 1).drift(), "drift grows during training: " + h);
            }
        }
        double dNarrow = narrow.get(3).drift(), dWide = wide.get(3).drift();
        assertTrue(dNarrow > 3 * dWide, "width 64 drift " + dNarrow + " should be > 3 x width 1024 drift " + dWide);
        // the wide network is not lazy for lack of training: it fits the data better
        assertTrue(n1024.score() < n64.score(), "MSE width 1024 " + n1024.score() + " vs width 64 " + n64.score());
    }
}
