package org.ntk4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.Tolerances;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertBitIdentical;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * The {@link KernelContract} for {@link EmpiricalNtk} with one {@link NtkImplementation} (one subclass each), on a
 * dense softmax classifier, a stack of activation, dropout, BatchNormalization and loss layers, and a
 * ComputationGraph with a skip connection; plus what is particular to DL4J networks: agreement with JACOBIAN on a
 * larger network, the network, ND4J's RNG and the features left as found, a reused instance following training.
 */
abstract class EmpiricalNtkContract extends KernelContract {

    /** @return the implementation under test */
    protected abstract NtkImplementation implementation();

    private EmpiricalNtk ntk(OutputMode mode, int block) {
        return EmpiricalNtk.builder().implementation(implementation()).outputMode(mode).blockSize(block).build();
    }

    private static List<Model> nets(DataType t) {
        List<Model> l = new ArrayList<>();
        l.add(TestNets.mlp(t, Activation.SOFTMAX, LossFunctions.LossFunction.MCXENT));
        l.add(TestNets.mixed(t));
        l.add(TestNets.skip(t));
        return l;
    }

    /** @return the DOUBLE network's twin in {@code t}, holding its parameters (cast) */
    private static Model inType(Model d, DataType t) {
        if (t == DataType.DOUBLE) {
            return d;
        }
        if (d instanceof MultiLayerNetwork m) {
            MultiLayerConfiguration c = m.getLayerWiseConfigurations().clone();
            c.setDataType(t);
            MultiLayerNetwork f = new MultiLayerNetwork(c);
            f.init(m.params().castTo(t), true);
            return f;
        }
        ComputationGraphConfiguration c = ((ComputationGraph) d).getConfiguration().clone();
        c.setDataType(t);
        ComputationGraph f = new ComputationGraph(c);
        f.init(d.params().castTo(t), true);
        return f;
    }

    @Override
    protected List<Subject> subjects(DataType type) {
        List<Subject> r = new ArrayList<>();
        for (Model d : nets(DataType.DOUBLE)) {
            Model m = inType(d, type);
            long[] shape = {m instanceof MultiLayerNetwork ? 4 : 3};
            int outputs = (int) output(m, TestNets.features(type, 0, 1, shape[0])).size(1);
            r.add(new Subject() {
                @Override
                public String name() {
                    return implementation() + " " + m.getClass().getSimpleName() + " (" + m.numParams() + " params, "
                            + type + ")";
                }

                @Override
                public long[] featureShape() {
                    return shape;
                }

                @Override
                public int outputs() {
                    return outputs;
                }

                @Override
                public INDArray compute(OutputMode mode, int blockSize, INDArray x1, INDArray x2) {
                    return ntk(mode, blockSize).compute(m, x1, x2);
                }

                @Override
                public INDArray finiteDifferences(INDArray x1, INDArray x2) {
                    return FiniteDifferenceNtk.full(m, new INDArray[]{x1}, new INDArray[]{x2}, Set.of(), H);
                }
            });
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(OutputMode.class)
    void agreesWithJacobianOnALargerNetwork(OutputMode mode) {
        MultiLayerNetwork net = TestNets.mlp(DataType.DOUBLE, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        INDArray a = TestNets.features(DataType.DOUBLE, 4, 9, 4), b = TestNets.features(DataType.DOUBLE, 5, 6, 4);
        INDArray ref = EmpiricalNtk.builder().implementation(NtkImplementation.JACOBIAN).outputMode(mode).blockSize(4)
                .build().compute(net, a, b);
        assertClose(ref, ntk(mode, 512).compute(net, a, b), Tolerances.DOUBLE.exact(), implementation() + " block 512");
        assertClose(ref, ntk(mode, 2).compute(net, a, b), Tolerances.DOUBLE.exact(), implementation() + " block 2");
    }

    @Test
    void networkRngAndFeaturesAreLeftExactlyAsFound() {
        for (Model m : nets(DataType.DOUBLE)) {
            INDArray a = TestNets.features(DataType.DOUBLE, 7, 6, m instanceof MultiLayerNetwork ? 4 : 3);
            INDArray aCopy = a.dup();
            INDArray params = m.params().dup();
            INDArray out = output(m, a);
            INDArray input = m.input();
            int listeners = m instanceof MultiLayerNetwork n ? n.getListeners().size() : 0;
            Nd4j.getRandom().setSeed(77);
            double expectedDraw = Nd4j.getRandom().nextDouble();
            Nd4j.getRandom().setSeed(77);
            ntk(OutputMode.FULL, 4).compute(m, a);
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
        return m instanceof MultiLayerNetwork n ? n.output(a, false) : ((ComputationGraph) m).outputSingle(false, a);
    }

    @Test
    void reusedInstanceFollowsTrainingAndOtherNetworks() {
        DataType t = DataType.DOUBLE;
        MultiLayerNetwork net = TestNets.mlp(t, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        MultiLayerNetwork other = TestNets.mixed(t);
        INDArray a = TestNets.features(t, 10, 6, 4);
        EmpiricalNtk reused = ntk(OutputMode.FULL, 4);
        INDArray before = reused.compute(net, a);
        net.fit(new org.nd4j.linalg.dataset.DataSet(a, TestNets.features(t, 11, 6, 3)));
        INDArray after = reused.compute(net, a);
        assertClose(ntk(OutputMode.FULL, 4).compute(net, a), after, 0.0, "after an update");
        assertTrue(relativeChange(before, after) > 1e-6, "the kernel moved");
        assertClose(ntk(OutputMode.FULL, 4).compute(other, a), reused.compute(other, a), 0.0, "another network");
        net.setParams(TestNets.features(t, 12, 1, net.numParams())); // all parameters replaced
        assertClose(ntk(OutputMode.FULL, 4).compute(net, a), reused.compute(net, a), 0.0, "parameters replaced");
    }

    private static double relativeChange(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / a.norm2Number().doubleValue();
    }
}
