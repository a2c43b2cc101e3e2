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
 * What the listener measures against how DL4J training actually behaves. The maximum stable learning rate separates
 * converging from diverging full-batch training. And the lazy-training effect: on the circle task of Jacot et al. (32 points on the unit
 * circle, target sin 3t), one-hidden-layer tanh MLPs of width 64 and 1024 trained with the same full-batch Sgd
 * learning rate for the same number of steps: the wide network's kernel drifts several times less, although it fits
 * the data better. The learning rate (0.003) is below the stable rate of the wide network (about 0.007 by the
 * listener's own estimate, checked here) so both runs are stable.
 */
class NtkLazyTrainingTest extends NtkTestBase {
    private static final double LR = 0.003;
    private static final int STEPS = 150;

    private static MultiLayerNetwork mlp(int width) {
        return mlp(width, 1, LR);
    }

    private static MultiLayerNetwork mlp(int width, int outputs, double lr) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(42)
                .dataType(DataType.DOUBLE).updater(new Sgd(lr)).weightInit(WeightInit.NORMAL).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(width).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(width).nOut(outputs)
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

    /**
     * The listener's maximum stable learning rate against real DL4J training: full-batch Sgd on the probe itself (a
     * wide network, FULL kernel, two outputs) decreases the loss monotonically at 0.9 times the rate, increases it at
     * 1.1 times the rate and blows up at twice the rate: the threshold, with DL4J's normalisation, is where the listener
     * says.
     */
    @Test
    void maxStableLearningRateSeparatesRealTraining() {
        DataSet circle = circle(16);
        INDArray y2 = Nd4j.hstack(circle.getLabels(), circle.getFeatures().getColumn(0, true).mul(0.5));
        DataSet data = new DataSet(circle.getFeatures(), y2);
        NtkListener probe = NtkListener.builder(data).outputMode(org.ntk4j.dl4j.OutputMode.FULL).build();
        probe.initialize(mlp(512, 2, 1.0));
        double eta = probe.latest().orElseThrow().maxStableLearningRate();
        assertTrue(eta > 0 && Double.isFinite(eta), "eta " + eta);

        MultiLayerNetwork below = mlp(512, 2, 0.9 * eta);
        double start = below.score(data);
        double prev = start;
        for (int s = 0; s < 30; s++) {
            below.fit(data);
            double now = below.score(data);
            assertTrue(now <= prev * (1 + 1e-9), "step " + s + ": loss " + now + " after " + prev + " at 0.9 x " + eta);
            prev = now;
        }
        assertTrue(prev < start, "training converges below the bound");

        MultiLayerNetwork justAbove = mlp(512, 2, 1.1 * eta);
        for (int s = 0; s < 5; s++) {
            justAbove.fit(data);
        }
        double grown = justAbove.score(data);
        assertTrue(grown > 2 * start, "the loss grows at 1.1 x the bound: " + start + " -> " + grown);

        MultiLayerNetwork above = mlp(512, 2, 2 * eta);
        for (int s = 0; s < 30; s++) {
            above.fit(data);
        }
        double end = above.score(data);
        assertTrue(Double.isNaN(end) || end > 1e6 * start, "training diverges at 2 x the bound: " + start + " -> " + end);
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
