package org.ntk4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ntk4j.core.testing.NtkAssertions.assertBitIdentical;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;
import static org.ntk4j.core.testing.NtkAssertions.assertPsd;
import static org.ntk4j.core.testing.NtkAssertions.assertSymmetric;

/** Invariants: symmetry, PSD, tiling, consistency of blocks, FLOAT vs DOUBLE, implementations, untouched network. */
class EmpiricalNtkPropertiesTest extends NtkTestBase {

    private static EmpiricalNtk ntk(NtkImplementation impl, OutputMode mode, int block) {
        return EmpiricalNtk.builder().implementation(impl).outputMode(mode).blockSize(block).build();
    }

    private static List<Model> nets(DataType t) {
        List<Model> l = new ArrayList<>();
        l.add(TestNets.mlp(t, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT));
        l.add(TestNets.mixed(t));
        l.add(TestNets.skip(t));
        return l;
    }

    private static INDArray x(Model m, DataType t, long seed, int n) {
        return TestNets.features(t, seed, n, m instanceof MultiLayerNetwork ? 4 : 3);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void symmetricPsdAndTiledEqualsUntiled(DataType t) {
        Tolerances tol = Tolerances.of(t);
        for (Model m : nets(t)) {
            INDArray a = x(m, t, 1, 11);
            for (OutputMode mode : OutputMode.values()) {
                INDArray whole = ntk(NtkImplementation.AUTO, mode, 512).compute(m, a);
                INDArray tiled = ntk(NtkImplementation.AUTO, mode, 4).compute(m, a);
                assertEquals(t, whole.dataType());
                assertClose(whole, tiled, tol.exact(), "tiled vs untiled " + mode);
                INDArray flat = mode == OutputMode.FULL ? KernelLayout.flatten(whole) : whole;
                assertSymmetric(flat, tol.exact(), "kernel " + mode);
                assertPsd(flat, tol.exact() * 10, "kernel " + mode);
            }
        }
    }

    @Test
    void crossBlocksMatchTheJointKernel() {
        DataType t = DataType.DOUBLE;
        for (Model m : nets(t)) {
            INDArray a = x(m, t, 2, 7), b = x(m, t, 3, 5);
            for (OutputMode mode : OutputMode.values()) {
                EmpiricalNtk e = ntk(NtkImplementation.AUTO, mode, 3);
                INDArray joint = e.compute(m, Nd4j.vstack(a, b));
                INDArray cross = e.compute(m, a, b);
                INDArray block = mode == OutputMode.TRACE
                        ? joint.get(NDArrayIndex.interval(0, 7), NDArrayIndex.interval(7, 12))
                        : joint.get(NDArrayIndex.interval(0, 7), NDArrayIndex.interval(7, 12), NDArrayIndex.all(), NDArrayIndex.all());
                assertClose(block, cross, Tolerances.DOUBLE.exact(), "x1/x2 block " + mode);
                assertClose(e.compute(m, b, a), crossT(cross, mode), Tolerances.DOUBLE.exact(), "Θ(x2,x1) = Θ(x1,x2)ᵀ");
            }
        }
    }

    private static INDArray crossT(INDArray k, OutputMode mode) {
        return mode == OutputMode.TRACE ? k.transpose() : k.permute(1, 0, 3, 2);
    }

    @ParameterizedTest
    @EnumSource(value = OutputMode.class)
    void allImplementationsAgreeOnALargerNetwork(OutputMode mode) {
        DataType t = DataType.DOUBLE;
        MultiLayerNetwork net = TestNets.mlp(t, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        INDArray a = x(net, t, 4, 9), b = x(net, t, 5, 6);
        INDArray ref = ntk(NtkImplementation.JACOBIAN, mode, 4).compute(net, a, b);
        assertClose(ref, ntk(NtkImplementation.STRUCTURED, mode, 512).compute(net, a, b), Tolerances.DOUBLE.exact(), "STRUCTURED");
        assertClose(ref, ntk(NtkImplementation.AUTO, mode, 2).compute(net, a, b), Tolerances.DOUBLE.exact(), "AUTO");
    }

    @Test
    void floatAgreesWithDouble() {
        MultiLayerNetwork d = TestNets.mixed(DataType.DOUBLE);
        MultiLayerConfiguration c = d.getLayerWiseConfigurations().clone();
        c.setDataType(DataType.FLOAT);
        MultiLayerNetwork f = new MultiLayerNetwork(c);
        f.init(d.params().castTo(DataType.FLOAT), true);
        INDArray a = TestNets.features(DataType.DOUBLE, 6, 8, 4);
        for (OutputMode mode : OutputMode.values()) {
            INDArray kd = ntk(NtkImplementation.AUTO, mode, 512).compute(d, a);
            INDArray kf = ntk(NtkImplementation.AUTO, mode, 512).compute(f, a.castTo(DataType.FLOAT));
            assertEquals(DataType.FLOAT, kf.dataType());
            assertClose(kd, kf, Tolerances.FLOAT.crossType(), "FLOAT vs DOUBLE " + mode);
        }
    }

    @Test
    void networkRngAndFeaturesAreLeftExactlyAsFound() {
        DataType t = DataType.DOUBLE;
        for (Model m : nets(t)) {
            INDArray a = x(m, t, 7, 6);
            INDArray aCopy = a.dup();
            INDArray params = m.params().dup();
            INDArray out = output(m, a);
            INDArray input = m.input();
            int listeners = m instanceof MultiLayerNetwork n ? n.getListeners().size() : 0;
            Nd4j.getRandom().setSeed(77);
            double expectedDraw = Nd4j.getRandom().nextDouble();
            Nd4j.getRandom().setSeed(77);
            for (NtkImplementation impl : NtkImplementation.values()) {
                ntk(impl, OutputMode.FULL, 4).compute(m, a);
            }
            assertEquals(expectedDraw, Nd4j.getRandom().nextDouble(), 0.0, "ND4J's RNG was used");
            assertBitIdentical(params, m.params(), "parameters");
            assertBitIdentical(out, output(m, a), "outputs");
            assertBitIdentical(aCopy, a, "features");
            assertEquals(input, m.input(), "input field");
            if (m instanceof MultiLayerNetwork n) {
                assertEquals(listeners, n.getListeners().size());
            }
        }
    }

    private static INDArray output(Model m, INDArray a) {
        return m instanceof MultiLayerNetwork n ? n.output(a, false)
                : ((org.deeplearning4j.nn.graph.ComputationGraph) m).outputSingle(false, a);
    }

    @Test
    void emptyInputsGiveEmptyKernels() {
        MultiLayerNetwork net = TestNets.mlp(DataType.DOUBLE, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        INDArray a = TestNets.features(DataType.DOUBLE, 8, 3, 4);
        INDArray empty = Nd4j.create(DataType.DOUBLE, 0, 4);
        assertArrayEquals(new long[]{3, 0}, ntk(NtkImplementation.AUTO, OutputMode.TRACE, 8).compute(net, a, empty).shape());
        assertArrayEquals(new long[]{0, 3, 3, 3}, ntk(NtkImplementation.AUTO, OutputMode.FULL, 8).compute(net, empty, a).shape());
    }

    @Test
    void traceIsTheMeanOfTheFullDiagonal() {
        MultiLayerNetwork net = TestNets.mlp(DataType.DOUBLE, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT);
        INDArray a = TestNets.features(DataType.DOUBLE, 9, 5, 4);
        INDArray full = ntk(NtkImplementation.AUTO, OutputMode.FULL, 512).compute(net, a);
        assertClose(KernelLayout.traceOf(full), ntk(NtkImplementation.AUTO, OutputMode.TRACE, 512).compute(net, a),
                Tolerances.DOUBLE.exact(), "TRACE = mean of FULL diagonal");
    }

    @Test
    void reusedInstanceFollowsTrainingAndOtherNetworks() {
        DataType t = DataType.DOUBLE;
        MultiLayerNetwork net = TestNets.mlp(t, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        MultiLayerNetwork other = TestNets.mixed(t);
        INDArray a = x(net, t, 10, 6);
        EmpiricalNtk reused = ntk(NtkImplementation.AUTO, OutputMode.FULL, 4);
        INDArray before = reused.compute(net, a);
        net.fit(new org.nd4j.linalg.dataset.DataSet(a, TestNets.features(t, 11, 6, 3)));
        INDArray after = reused.compute(net, a);
        assertClose(ntk(NtkImplementation.AUTO, OutputMode.FULL, 4).compute(net, a), after, 0.0, "after an update");
        org.junit.jupiter.api.Assertions.assertTrue(relativeChange(before, after) > 1e-6, "the kernel moved");
        assertClose(ntk(NtkImplementation.AUTO, OutputMode.FULL, 4).compute(other, a), reused.compute(other, a), 0.0,
                "another network");
        net.setParams(TestNets.features(t, 12, 1, net.numParams())); // all parameters replaced
        assertClose(ntk(NtkImplementation.AUTO, OutputMode.FULL, 4).compute(net, a), reused.compute(net, a), 0.0,
                "parameters replaced");
    }

    private static double relativeChange(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    }
}
