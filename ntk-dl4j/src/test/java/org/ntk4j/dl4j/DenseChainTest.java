package org.ntk4j.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;
import org.ntk4j.dl4j.network.NetworkAdapters;
import org.ntk4j.dl4j.network.internal.DenseChain;
import org.ntk4j.dl4j.network.internal.ParamMode;
import org.ntk4j.dl4j.network.internal.SymmetricGram;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * The dense-chain fast path (preallocated buffers, in-place activations, Java Gram accumulation) against central finite
 * differences (DOUBLE) and against the general engine's per-example Jacobian method (FLOAT and DOUBLE), over hidden and
 * output activations, biases on and off, one and several outputs, tiled with remainder blocks.
 */
class DenseChainTest extends NtkTestBase {
    private static final Activation[] HIDDEN = {Activation.RELU, Activation.TANH, Activation.SIGMOID, Activation.ELU,
            Activation.LEAKYRELU, Activation.IDENTITY, Activation.SOFTPLUS};
    private static final Activation[] OUT = {Activation.IDENTITY, Activation.SOFTMAX, Activation.SIGMOID, Activation.TANH};

    private static MultiLayerNetwork net(DataType type, Activation hidden, Activation out, int o, boolean bias, long seed) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(seed).dataType(type)
                .biasInit(0.2).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(7).activation(hidden).hasBias(bias).build())
                .layer(new DenseLayer.Builder().nIn(7).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(6).nOut(o).activation(out)
                        .hasBias(bias).build());
        MultiLayerNetwork n = new MultiLayerNetwork(b.build());
        n.init();
        return n;
    }

    private static void assertFastPath(MultiLayerNetwork n) {
        assertNotNull(DenseChain.of(NetworkAdapters.of(n).plan(), ParamMode.STRUCTURED),
                "the test network must take the dense-chain path");
    }

    @Test
    void matchesFiniteDifferencesInDouble() {
        DataType d = DataType.DOUBLE;
        for (Activation h : HIDDEN) {
            for (Activation out : OUT) {
                int o = out == Activation.SOFTMAX ? 3 : (h.ordinal() % 2 == 0 ? 1 : 2);
                MultiLayerNetwork n = net(d, h, out, o, h != Activation.ELU, 11);
                assertFastPath(n);
                INDArray x1 = TestNets.features(d, 1, 5, 4), x2 = TestNets.features(d, 2, 3, 4);
                INDArray params = n.params().dup();
                INDArray ref = FiniteDifferenceNtk.full(n, new INDArray[]{x1}, new INDArray[]{x2}, Set.of(), 1e-5);
                for (int block : new int[]{512, 2}) {
                    EmpiricalNtk full = EmpiricalNtk.builder().implementation(NtkImplementation.STRUCTURED)
                            .outputMode(OutputMode.FULL).blockSize(block).build();
                    EmpiricalNtk trace = EmpiricalNtk.builder().implementation(NtkImplementation.AUTO).blockSize(block).build();
                    String what = h + "/" + out + " o=" + o + " block " + block;
                    assertClose(ref, full.compute(n, x1, x2), Tolerances.DOUBLE.finiteDiff(), what + " FULL");
                    assertClose(KernelLayout.traceOf(ref), trace.compute(n, x1, x2), Tolerances.DOUBLE.finiteDiff(),
                            what + " TRACE");
                }
                assertEquals(params, n.params(), "parameters must be untouched");
            }
        }
    }

    @Test
    void symmetricKernelMatchesFiniteDifferencesWithSyrkAndWithGemm() {
        // a symmetric tile takes the lower-triangle path (OpenBLAS syrk on the CPU backend, mirrored at the end)
        assertTrue(SymmetricGram.syrkInUse(), "the CPU backend's syrk must be found (else this tests gemm twice)");
        DataType d = DataType.DOUBLE;
        for (int o : new int[]{1, 3}) {
            MultiLayerNetwork n = net(d, Activation.RELU, o == 1 ? Activation.IDENTITY : Activation.SOFTMAX, o, true, 17);
            assertFastPath(n);
            INDArray x = TestNets.features(d, 9, 6, 4);
            INDArray ref = FiniteDifferenceNtk.full(n, new INDArray[]{x}, new INDArray[]{x}, Set.of(), 1e-5);
            for (boolean syrk : new boolean[]{true, false}) {
                SymmetricGram.useSyrk(syrk);
                try {
                    for (int block : new int[]{512, 4}) {
                        String what = "o=" + o + " syrk " + syrk + " block " + block;
                        INDArray full = EmpiricalNtk.builder().implementation(NtkImplementation.STRUCTURED)
                                .outputMode(OutputMode.FULL).blockSize(block).build().compute(n, x);
                        assertClose(ref, full, Tolerances.DOUBLE.finiteDiff(), what + " FULL");
                        assertClose(KernelLayout.traceOf(ref), EmpiricalNtk.builder().blockSize(block).build().compute(n, x),
                                Tolerances.DOUBLE.finiteDiff(), what + " TRACE");
                    }
                } finally {
                    SymmetricGram.useSyrk(true);
                }
            }
        }
    }

    @Test
    void syrkAndGemmGiveTheSameSymmetricKernelInFloat() {
        MultiLayerNetwork n = net(DataType.FLOAT, Activation.RELU, Activation.IDENTITY, 2, true, 19);
        INDArray x = TestNets.features(DataType.FLOAT, 10, 40, 4);
        for (OutputMode mode : OutputMode.values()) {
            EmpiricalNtk ntk = EmpiricalNtk.builder().implementation(NtkImplementation.STRUCTURED).outputMode(mode).build();
            INDArray withSyrk = ntk.compute(n, x);
            SymmetricGram.useSyrk(false);
            INDArray withGemm;
            try {
                withGemm = ntk.compute(n, x);
            } finally {
                SymmetricGram.useSyrk(true);
            }
            assertClose(withGemm, withSyrk, Tolerances.FLOAT.exact(), mode + ": syrk vs gemm");
            INDArray swapped = mode == OutputMode.TRACE ? withSyrk.transpose() : withSyrk.permute(1, 0, 3, 2);
            assertEquals(withSyrk, swapped.dup('c'), mode + ": the mirrored kernel is exactly symmetric");
        }
    }

    @Test
    void matchesJacobianMethodInBothTypesSymmetricAndTiled() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            for (Activation out : new Activation[]{Activation.IDENTITY, Activation.SOFTMAX}) {
                MultiLayerNetwork n = net(type, Activation.RELU, out, 3, true, 5);
                assertFastPath(n);
                INDArray x = TestNets.features(type, 3, 7, 4);
                for (OutputMode mode : OutputMode.values()) {
                    INDArray ref = EmpiricalNtk.builder().implementation(NtkImplementation.JACOBIAN).outputMode(mode)
                            .build().compute(n, x);
                    for (int block : new int[]{512, 3, 2}) {
                        EmpiricalNtk fast = EmpiricalNtk.builder().implementation(NtkImplementation.STRUCTURED)
                                .outputMode(mode).blockSize(block).build();
                        INDArray k = fast.compute(n, x);
                        String what = type + " " + out + " " + mode + " block " + block;
                        assertClose(ref, k, Tolerances.of(type).exact(), what);
                        // buffers are reused: a second call on other inputs, then the first again, gives the same kernel
                        fast.compute(n, TestNets.features(type, 4, 4, 4));
                        assertEquals(k, fast.compute(n, x), what + ": repeated call");
                    }
                }
            }
        }
    }

    @Test
    void largeSymmetricTilesAgree() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            MultiLayerNetwork n = net(type, Activation.TANH, Activation.IDENTITY, 2, true, 9);
            INDArray x = TestNets.features(type, 6, 151, 4); // 151 rows: halves of 75 and 76
            for (OutputMode mode : OutputMode.values()) {
                INDArray ref = EmpiricalNtk.builder().implementation(NtkImplementation.JACOBIAN).outputMode(mode)
                        .build().compute(n, x);
                EmpiricalNtk fast = EmpiricalNtk.builder().implementation(NtkImplementation.STRUCTURED).outputMode(mode).build();
                assertClose(ref, fast.compute(n, x), Tolerances.of(type).exact(), type + " " + mode + " symmetric");
                assertClose(ref, fast.compute(n, x, x.dup()), Tolerances.of(type).exact(), type + " " + mode + " x2 = copy");
            }
        }
    }

    @Test
    void reluAtExactlyZeroAndNegativeZeroHasDl4jsDerivative() {
        // the fused ReLU tests the sign on the bit pattern: +0 and -0 pre-activations must give derivative 0 as DL4J's
        // RectifiedLinearDerivative does, positive ones 1; zero biases and zero / negated-zero inputs produce them exactly
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            MultiLayerNetwork n = net(type, Activation.RELU, Activation.IDENTITY, 2, true, 13);
            n.paramTable().forEach((k, v) -> {
                if (k.endsWith("b")) {
                    v.assign(0);
                }
            });
            assertFastPath(n);
            INDArray x = TestNets.features(type, 8, 6, 4);
            x.getRow(1).assign(0);
            x.getRow(3).assign(0).negi(); // -0.0 inputs
            for (OutputMode mode : OutputMode.values()) {
                INDArray ref = EmpiricalNtk.builder().implementation(NtkImplementation.JACOBIAN).outputMode(mode)
                        .build().compute(n, x);
                INDArray fast = EmpiricalNtk.builder().implementation(NtkImplementation.STRUCTURED).outputMode(mode)
                        .build().compute(n, x);
                assertClose(ref, fast, Tolerances.of(type).exact(), type + " " + mode + " zero pre-activations");
            }
        }
    }

    @Test
    void frozenLayersStayOutOfTheKernelOnTheFastPath() {
        // FrozenLayer is a non-trainable unit inside the chain (EmpiricalNtkFiniteDifferenceTest checks it against FD)
        MultiLayerNetwork n = TestNets.frozenMiddle(DataType.DOUBLE);
        assertFastPath(n);
        INDArray x1 = TestNets.features(DataType.DOUBLE, 11, 4, 3), x2 = TestNets.features(DataType.DOUBLE, 12, 3, 3);
        INDArray ref = FiniteDifferenceNtk.full(n, new INDArray[]{x1}, new INDArray[]{x2}, Set.of("1"), 1e-5);
        assertClose(ref, EmpiricalNtk.builder().outputMode(OutputMode.FULL).build().compute(n, x1, x2),
                Tolerances.DOUBLE.finiteDiff(), "frozen middle layer");
    }

    @Test
    void otherNetworksUseTheGeneralEngine() {
        assertNull(DenseChain.of(NetworkAdapters.of(TestNets.mixed(DataType.DOUBLE)).plan(), ParamMode.STRUCTURED));
        assertNull(DenseChain.of(NetworkAdapters.of(TestNets.cnn(DataType.DOUBLE)).plan(), ParamMode.STRUCTURED));
        assertNull(DenseChain.of(NetworkAdapters.of(TestNets.skip(DataType.DOUBLE)).plan(), ParamMode.STRUCTURED));
        MultiLayerNetwork n = net(DataType.DOUBLE, Activation.RELU, Activation.IDENTITY, 1, true, 1);
        assertNull(DenseChain.of(NetworkAdapters.of(n).plan(), ParamMode.JACOBIAN));
    }
}
