package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ntk4j.core.testing.NtkTestBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The central claim of the NTK, against reality: a real DL4J MLP trained by full-batch {@code Sgd} on MSE for S steps
 * produces the test outputs that the linearized network, taken at the same initialisation, predicts for S steps —
 * with an error that shrinks as the width grows.
 */
class LinearizedVsTrainingTest extends NtkTestBase {
    private static final Logger LOG = LoggerFactory.getLogger(LinearizedVsTrainingTest.class);

    /**
     * Trains a real network for {@code steps} full-batch Sgd steps at half the maximum stable learning rate of its
     * linearization, and compares with {@link LinearizedNetwork#output(INDArray, long)} from the same θ0.
     *
     * @return relative errors {@code ‖trained − linearized‖ / ‖trained − f0‖} on the test inputs and on the training
     *         inputs
     */
    static double[] errorAtWidth(int width, Activation act, int steps, int layers) {
        DataSet train = Nets.data(DataType.DOUBLE, 1, 16, 4, 2);
        INDArray xTest = Nets.data(DataType.DOUBLE, 2, 8, 4, 2).getFeatures();
        int[] widths = new int[layers];
        java.util.Arrays.fill(widths, width);
        MultiLayerNetwork net = Nets.mlp(DataType.DOUBLE, 42, 4, 2, 1.0, act, widths);
        LinearizedNetwork lin = LinearizedNetwork.of(net).build().fit(train);
        double eta = 0.5 * lin.maxStableLearningRate();
        lin = LinearizedNetwork.of(net).learningRate(eta).build().fit(train);
        INDArray f0 = net.output(xTest);
        INDArray f0Train = net.output(train.getFeatures());
        net.setLearningRate(eta);
        for (int s = 0; s < steps; s++) {
            net.fit(train); // one full-batch Sgd step
        }
        INDArray trained = net.output(xTest);
        INDArray trainedTrain = net.output(train.getFeatures());
        double err = trained.sub(lin.output(xTest, steps)).norm2Number().doubleValue()
                / trained.sub(f0).norm2Number().doubleValue();
        double trainErr = trainedTrain.sub(lin.trainOutput(steps)).norm2Number().doubleValue()
                / trainedTrain.sub(f0Train).norm2Number().doubleValue();
        LOG.info("width {} × {} {}: eta {}, relative error test {}, train {}", width, layers, act, eta, err, trainErr);
        return new double[] {err, trainErr};
    }

    @Test
    void trainedNetworkApproachesLinearizedPredictionAsWidthGrows() {
        int steps = 200;
        double[] e128 = errorAtWidth(128, Activation.TANH, steps, 1);
        double[] e512 = errorAtWidth(512, Activation.TANH, steps, 1);
        double[] e2048 = errorAtWidth(2048, Activation.TANH, steps, 1);
        // measured: test 5.1e-2, 3.7e-3, 2.5e-4
        assertTrue(e512[0] < e128[0] / 2 && e2048[0] < e512[0] / 2,
                "error must shrink with width: " + e128[0] + ", " + e512[0] + ", " + e2048[0]);
        assertTrue(e512[1] < e128[1] / 2 && e2048[1] < e512[1] / 2,
                "training-set error must shrink with width: " + e128[1] + ", " + e512[1] + ", " + e2048[1]);
        assertTrue(e2048[0] < 0.02, "width 2048 within 2%: " + e2048[0]);
    }

    @Test
    void deeperReluNetworkAlsoApproachesItsLinearization() {
        int steps = 200;
        double[] e64 = errorAtWidth(64, Activation.RELU, steps, 2);
        double[] e256 = errorAtWidth(256, Activation.RELU, steps, 2);
        assertTrue(e256[0] < e64[0], "error must shrink with width: " + e64[0] + ", " + e256[0]);
        assertTrue(e256[0] < 0.15, "width 256 within 15%: " + e256[0]);
    }
}
