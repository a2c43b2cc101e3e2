package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PriorKernel#monteCarlo} against the closed form of a linear network: {@code f(x) = xW + b} with
 * {@code W ~ N(0, 1/fan_in)} (WeightInit.NORMAL) and a constant bias has output covariance
 * {@code K(x1, x2) = x1·x2 / fan_in · I_o} over initialisations.
 */
class PriorKernelTest extends NtkTestBase {

    private static MultiLayerNetwork linear(DataType t, int nIn, int nOut) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(t)
                .weightInit(WeightInit.NORMAL).biasInit(0.25).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(nIn).nOut(nOut)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void matchesTheLinearNetworksClosedForm(DataType t) {
        int nIn = 3, o = 2, samples = 600;
        MultiLayerNetwork net = linear(t, nIn, o);
        INDArray before = net.params().dup();
        INDArray x1 = randn(DataType.DOUBLE, 21, 4, nIn), x2 = randn(DataType.DOUBLE, 22, 3, nIn);
        INDArray k = PriorKernel.monteCarlo(net, samples, 100).flat(x1.castTo(t), x2.castTo(t));
        assertEquals(4 * o, k.size(0));
        assertEquals(3 * o, k.size(1));
        // closed form, example-major: entry (i·o + a, j·o + b) = δ_ab · x1_i·x2_j / nIn
        INDArray dots = x1.mmul(x2.transpose()).divi(nIn);
        INDArray expected = org.nd4j.linalg.factory.Nd4j.zeros(DataType.DOUBLE, 4 * o, 3 * o);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                for (int a = 0; a < o; a++) {
                    expected.putScalar(i * o + a, j * o + a, dots.getDouble(i, j));
                }
            }
        }
        double err = k.castTo(DataType.DOUBLE).sub(expected).norm2Number().doubleValue()
                / expected.norm2Number().doubleValue();
        // a sample covariance of 600 draws is off by about √(2/600) = 0.06 relative
        assertTrue(err < 0.2, "relative error " + err);
        NtkAssertions.assertBitIdentical(before, net.params(), "the network itself is not touched");
        // the same seeds give the same networks, so the same estimate
        PriorKernel few = PriorKernel.monteCarlo(net, 4, 100);
        NtkAssertions.assertBitIdentical(few.flat(x1.castTo(t), x2.castTo(t)), few.flat(x1.castTo(t), x2.castTo(t)),
                "deterministic in the seed");
    }
}
