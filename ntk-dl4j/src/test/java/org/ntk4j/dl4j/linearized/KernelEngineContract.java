package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;
import org.ntk4j.dl4j.FiniteDifferenceNtk;
import org.ntk4j.dl4j.linearized.internal.KernelEngine;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertBitIdentical;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;
import static org.ntk4j.core.testing.NtkAssertions.assertPsd;
import static org.ntk4j.core.testing.NtkAssertions.assertSymmetric;

/**
 * The contract of a {@link KernelEngine} (one subclass per engine): the flat kernel {@code [n1·o, n2·o]} is the
 * independent reference built from central finite differences of the network output; {@code x2 = null} is
 * {@code x1}; the symmetric kernel is symmetric and PSD; FLOAT agrees with DOUBLE; the network is left as found; the
 * memory estimate is positive and grows with the examples.
 */
abstract class KernelEngineContract extends NtkTestBase {
    private static final int O = 3;

    /** @return the engine under test, for networks with {@value #O} outputs */
    protected abstract KernelEngine engine(int outputs);

    /**
     * @param fdFull the FULL kernel {@code [n1, n2, o, o]} of central finite differences
     * @return the flat kernel the engine must give: by default the FULL kernel flattened (example-major)
     */
    protected INDArray expected(INDArray fdFull) {
        return KernelLayout.flatten(fdFull);
    }

    /** @return a DOUBLE tanh/softplus MLP 4 → 5 → 4 → 3 with an identity output (as LinearizedNetwork takes it) */
    private static MultiLayerNetwork net(DataType type) {
        MultiLayerConfiguration c = new NeuralNetConfiguration.Builder().seed(21).dataType(type).updater(new Sgd(0.1))
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.SOFTPLUS).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(O)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork n = new MultiLayerNetwork(c);
        n.init();
        return n;
    }

    private static MultiLayerNetwork asFloat(MultiLayerNetwork d) {
        MultiLayerConfiguration c = d.getLayerWiseConfigurations().clone();
        c.setDataType(DataType.FLOAT);
        MultiLayerNetwork f = new MultiLayerNetwork(c);
        f.init(d.params().castTo(DataType.FLOAT), true);
        return f;
    }

    @Test
    public void flatKernelIsTheFiniteDifferenceKernel() {
        MultiLayerNetwork net = net(DataType.DOUBLE);
        INDArray x1 = randn(DataType.DOUBLE, 1, 5, 4), x2 = randn(DataType.DOUBLE, 2, 3, 4);
        INDArray k = engine(O).flatKernel(net, x1, x2);
        assertArrayEquals(new long[]{5 * O, 3 * O}, k.shape(), "[n1·o, n2·o]");
        assertEquals(DataType.DOUBLE, k.dataType());
        INDArray fd = FiniteDifferenceNtk.full(net, new INDArray[]{x1}, new INDArray[]{x2}, Set.of(), 1e-5);
        assertClose(expected(fd), k, Tolerances.DOUBLE.finiteDiff(), "flat kernel vs finite differences");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    public void absentX2IsX1AndTheKernelIsSymmetricPsd(DataType t) {
        MultiLayerNetwork net = t == DataType.DOUBLE ? net(t) : asFloat(net(DataType.DOUBLE));
        INDArray x = randn(t, 3, 6, 4);
        INDArray k = engine(O).flatKernel(net, x, null);
        assertEquals(t, k.dataType());
        assertClose(engine(O).flatKernel(net, x, x), k, Tolerances.of(t).exact(), "K(x) = K(x, x)");
        assertSymmetric(k, Tolerances.of(t).exact(), "flat kernel");
        assertPsd(k, Tolerances.of(t).exact() * 10, "flat kernel");
    }

    @Test
    public void floatAgreesWithDouble() {
        MultiLayerNetwork d = net(DataType.DOUBLE);
        INDArray x1 = randn(DataType.DOUBLE, 4, 5, 4), x2 = randn(DataType.DOUBLE, 5, 2, 4);
        INDArray kd = engine(O).flatKernel(d, x1, x2);
        INDArray kf = engine(O).flatKernel(asFloat(d), x1.castTo(DataType.FLOAT), x2.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, kf.dataType());
        assertClose(kd, kf, Tolerances.FLOAT.crossType(), "FLOAT vs DOUBLE");
    }

    @Test
    public void theNetworkIsLeftAsFoundAndTheEstimateGrows() {
        MultiLayerNetwork net = net(DataType.DOUBLE);
        INDArray params = net.params().dup();
        INDArray x = randn(DataType.DOUBLE, 6, 4, 4);
        INDArray out = net.output(x, false);
        engine(O).flatKernel(net, x, randn(DataType.DOUBLE, 7, 3, 4));
        assertBitIdentical(params, net.params(), "parameters");
        assertBitIdentical(out, net.output(x, false), "outputs");
        long small = engine(O).workspaceBytes(net, 10, 10, O), large = engine(O).workspaceBytes(net, 40, 10, O);
        assertTrue(small > 0, "positive estimate: " + small);
        assertTrue(large > small, "more examples, more memory: " + small + " -> " + large);
    }
}
