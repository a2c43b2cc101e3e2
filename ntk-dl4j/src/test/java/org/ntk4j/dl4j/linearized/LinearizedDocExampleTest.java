package org.ntk4j.dl4j.linearized;

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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example of docs/linearized.md, verbatim between the markers, so that the page stays true. */
class LinearizedDocExampleTest extends NtkTestBase {

    @Test
    void docExampleRuns() {
        // snippet:linearized-page
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.DOUBLE).updater(new Sgd(0.05)).weightInit(WeightInit.NORMAL)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(1024).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(1024).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 20, 4);          // [n, d]
        INDArray y = Nd4j.rand(DataType.DOUBLE, 20, 2);          // [n, o]
        INDArray xTest = Nd4j.rand(DataType.DOUBLE, 5, 4);       // [nt, d]
        DataSet train = new DataSet(x, y);

        LinearizedNetwork lin = LinearizedNetwork.of(net)        // copies θ0
                .learningRate(0.05)                              // DL4J's Sgd rate (default: the network's)
                .build()
                .fit(train);                                     // Θ [40, 40], f0 [20, 2]; no SGD
        double eta = 0.5 * lin.maxStableLearningRate();          // 0.05 would diverge at this width
        lin = lin.withLearningRate(eta);
        INDArray after100 = lin.output(xTest, 100);             // [5, 2]: 100 full-batch Sgd(eta) steps
        INDArray atTime = lin.outputAtTime(xTest, eta * 100);   // [5, 2]: gradient flow, t = η·s
        INDArray limit = lin.output(xTest);                     // [5, 2]: t = ∞

        net.setLearningRate(eta);                                // the real thing, for comparison
        for (int s = 0; s < 100; s++) {
            net.fit(train);                                      // one full-batch step
        }
        INDArray trained = net.output(xTest);                    // ≈ after100 (wide network)
        // end
        assertArrayEquals(new long[] {5, 2}, after100.shape());
        assertArrayEquals(new long[] {5, 2}, atTime.shape());
        assertArrayEquals(new long[] {5, 2}, limit.shape());
        double rel = trained.sub(after100).norm2Number().doubleValue() / trained.norm2Number().doubleValue();
        assertTrue(rel < 0.01, "doc example: trained vs linearized " + rel);
    }
}
