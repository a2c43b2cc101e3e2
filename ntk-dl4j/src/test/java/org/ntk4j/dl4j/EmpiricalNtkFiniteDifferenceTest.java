package org.ntk4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;

import java.util.Set;

import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/** Every implementation against central finite differences of the network output, for every layer kind, DOUBLE. */
class EmpiricalNtkFiniteDifferenceTest extends NtkTestBase {
    private static final DataType D = DataType.DOUBLE;
    private static final double H = 1e-5;
    private static final double TOL = Tolerances.DOUBLE.finiteDiff();

    /** One finite-difference reference per network, every implementation and mode checked against it. */
    private static void check(Model net, INDArray[] x1, INDArray[] x2, Set<String> frozen, NtkImplementation... impls) {
        INDArray refFull = FiniteDifferenceNtk.full(net, x1, x2, frozen, H);
        INDArray refTrace = KernelLayout.traceOf(refFull);
        for (NtkImplementation impl : impls) {
            EmpiricalNtk full = EmpiricalNtk.builder().implementation(impl).outputMode(OutputMode.FULL).build();
            EmpiricalNtk trace = EmpiricalNtk.builder().implementation(impl).outputMode(OutputMode.TRACE).build();
            assertClose(refFull, full.compute(net, x1, x2), TOL, impl + " FULL vs finite differences");
            assertClose(refTrace, trace.compute(net, x1, x2), TOL, impl + " TRACE vs finite differences");
        }
    }

    private static void check(Model net, INDArray x1, INDArray x2, NtkImplementation... impls) {
        check(net, new INDArray[]{x1}, new INDArray[]{x2}, Set.of(), impls);
    }

    @Test
    void denseIdentityOutput() {
        NtkImplementation[] impl = NtkImplementation.values();
        check(TestNets.mlp(D, Activation.IDENTITY, LossFunctions.LossFunction.MSE),
                TestNets.features(D, 1, 5, 4), TestNets.features(D, 2, 3, 4), impl);
    }

    @Test
    void denseSoftmaxOutput() {
        NtkImplementation[] impl = NtkImplementation.values();
        check(TestNets.mlp(D, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT),
                TestNets.features(D, 3, 4, 4), TestNets.features(D, 4, 3, 4), impl);
    }

    @Test
    void activationDropoutBatchNormLossLayer() {
        NtkImplementation[] impl = NtkImplementation.values();
        check(TestNets.mixed(D), TestNets.features(D, 5, 4, 4), TestNets.features(D, 6, 3, 4), impl);
    }

    @Test
    void convolutionPoolingBatchNorm() {
        NtkImplementation[] impl = NtkImplementation.values();
        check(TestNets.cnn(D), TestNets.features(D, 7, 3, 1, 6, 6), TestNets.features(D, 8, 2, 1, 6, 6), impl);
    }

    @Test
    void embedding() {
        NtkImplementation[] impl = NtkImplementation.values();
        check(TestNets.embedding(D), TestNets.indices(D, 9, 6, 5), TestNets.indices(D, 10, 4, 5), impl);
    }

    @Test
    void frozenLayerIsNotAParameter() {
        NtkImplementation[] impl = NtkImplementation.values();
        check(TestNets.frozenMiddle(D), new INDArray[]{TestNets.features(D, 11, 4, 3)},
                new INDArray[]{TestNets.features(D, 12, 3, 3)}, Set.of("1"), impl);
    }

    @Test
    void graphWithSkipConnection() {
        NtkImplementation[] impl = NtkImplementation.values();
        check(TestNets.skip(D), TestNets.features(D, 13, 4, 3), TestNets.features(D, 14, 3, 3), impl);
    }

    @Test
    void graphWithTwoInputs() {
        NtkImplementation[] impl = NtkImplementation.values();
        INDArray[] x1 = {TestNets.features(D, 15, 4, 3), TestNets.features(D, 16, 4, 2)};
        INDArray[] x2 = {TestNets.features(D, 17, 3, 3), TestNets.features(D, 18, 3, 2)};
        check(TestNets.twoInputs(D), x1, x2, Set.of(), impl);
    }

    @Test
    void convolutionNhwcStridedNoBias() {
        NtkImplementation[] impl = NtkImplementation.values();
        check(TestNets.cnnNhwc(D), TestNets.features(D, 19, 3, 7, 7, 2), TestNets.features(D, 20, 2, 7, 7, 2), impl);
    }

    @Test
    void layerWithoutRuleUsesTheExactFallback() {
        NtkImplementation[] impl = {NtkImplementation.AUTO, NtkImplementation.JACOBIAN};
        check(TestNets.layerNorm(D), TestNets.features(D, 21, 4, 3), TestNets.features(D, 22, 3, 3), impl);
    }

    @Test
    void structuredRefusesLayersWithoutRule() {
        EmpiricalNtk s = EmpiricalNtk.builder().implementation(NtkImplementation.STRUCTURED).build();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> s.compute(TestNets.layerNorm(D), TestNets.features(D, 1, 2, 3)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("DenseLayer")
                && e.getMessage().contains("AUTO"), e.getMessage());
    }
}
