package org.ntk4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LearnedSelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RecurrentAttentionLayer;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * "Any DL4J network": SameDiff-backed layers, wrappers, sequence and image outputs, multi-output graphs, each as a
 * MultiLayerNetwork and a ComputationGraph, AUTO and JACOBIAN, FULL and TRACE, tiled and untiled, against central
 * finite differences of the network output over every trainable parameter (DOUBLE); parameters bit-identical after.
 */
class AnyNetworkFiniteDifferenceTest extends NtkTestBase {
    static final DataType D = DataType.DOUBLE;
    static final double H = 1e-5;
    static final double TOL = Tolerances.DOUBLE.finiteDiff();
    static final NtkImplementation[] EXACT = {NtkImplementation.AUTO, NtkImplementation.JACOBIAN};

    /** Checks one model against finite differences of its flattened output. */
    static void check(Model net, INDArray x1, INDArray x2, Set<String> frozen) {
        INDArray before = net.params().dup();
        INDArray[] a = {x1}, b = {x2};
        INDArray refFull = FiniteDifferenceNtk.full(net, a, b, frozen, H);
        INDArray refTrace = KernelLayout.traceOf(refFull);
        String kind = net.getClass().getSimpleName();
        for (NtkImplementation impl : EXACT) {
            for (int block : new int[]{512, 2}) {
                EmpiricalNtk full = EmpiricalNtk.builder().implementation(impl).outputMode(OutputMode.FULL)
                        .blockSize(block).build();
                EmpiricalNtk trace = EmpiricalNtk.builder().implementation(impl).outputMode(OutputMode.TRACE)
                        .blockSize(block).build();
                String what = kind + " " + impl + " block " + block;
                assertClose(refFull, full.compute(net, a, b), TOL, what + " FULL vs finite differences");
                assertClose(refTrace, trace.compute(net, a, b), TOL, what + " TRACE vs finite differences");
            }
        }
        assertEquals(before, net.params(), kind + ": parameters changed");
    }

    static void checkBoth(Iterable<Model> nets, INDArray x1, INDArray x2) {
        for (Model m : nets) {
            check(m, x1, x2, Set.of());
        }
    }

    static OutputLayer out(int nOut) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(nOut).activation(Activation.IDENTITY).build();
    }

    static GlobalPoolingLayer avgPool() {
        return new GlobalPoolingLayer.Builder(PoolingType.AVG).build();
    }

    static INDArray seq(long seed, long n, long d, long t) {
        return TestNets.features(D, seed, n, d, t);
    }

    @Test
    void selfAttentionWithProjection() {
        checkBoth(AnyNets.both(D, 31, InputType.recurrent(4, 3),
                        new SelfAttentionLayer.Builder().nIn(4).nOut(4).nHeads(2).projectInput(true).build(),
                        avgPool(), out(2)),
                seq(1, 3, 4, 3), seq(2, 2, 4, 3));
    }

    @Test
    void selfAttentionWithoutProjectionAboveAnLstm() {
        checkBoth(AnyNets.both(D, 32, InputType.recurrent(3, 3),
                        new LSTM.Builder().nOut(4).activation(Activation.TANH).build(),
                        new SelfAttentionLayer.Builder().nHeads(1).projectInput(false).build(),
                        avgPool(), out(2)),
                seq(3, 3, 3, 3), seq(4, 2, 3, 3));
    }

    @Test
    void learnedSelfAttentionIsRefusedBecauseDl4jCannotRunIt() {
        for (Model m : AnyNets.both(D, 33, InputType.recurrent(3, 3),
                new LSTM.Builder().nOut(4).activation(Activation.TANH).build(),
                new LearnedSelfAttentionLayer.Builder().nOut(4).nHeads(2).nQueries(2).projectInput(true).build(),
                avgPool(), out(2))) {
            INDArray x = seq(5, 3, 3, 3);
            org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> AnyNets.output(m, x),
                    "DL4J M2.1 runs LearnedSelfAttentionLayer now: support it instead of refusing it");
            UnsupportedOperationException e = org.junit.jupiter.api.Assertions.assertThrows(
                    UnsupportedOperationException.class, () -> EmpiricalNtk.builder().build().compute(m, x));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("LearnedSelfAttentionLayer")
                    && e.getMessage().contains("use SelfAttentionLayer"), e.getMessage());
        }
    }

    @Test
    void recurrentAttention() {
        checkBoth(AnyNets.both(D, 34, InputType.recurrent(3, 3),
                        new RecurrentAttentionLayer.Builder().nIn(3).nOut(3).nHeads(1).projectInput(false)
                                .activation(Activation.TANH).build(),
                        avgPool(), out(2)),
                seq(7, 3, 3, 3), seq(8, 2, 3, 3));
    }

    @Test
    void userSameDiffLayerAndLambdaLayer() {
        checkBoth(AnyNets.both(D, 35, InputType.feedForward(3),
                        new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build(),
                        new UserSameDiffLayers.TanhDense(4, 3),
                        new UserSameDiffLayers.Swish(),
                        out(2)),
                TestNets.features(D, 9, 3, 3), TestNets.features(D, 10, 2, 3));
    }

    @Test
    void sameDiffLambdaVertexInAGraph() {
        org.deeplearning4j.nn.graph.ComputationGraph g = new org.deeplearning4j.nn.graph.ComputationGraph(
                TestNets.base(D, 36).graphBuilder().addInputs("in")
                        .addLayer("a", new DenseLayer.Builder().nIn(3).nOut(3).activation(Activation.TANH).build(), "in")
                        .addLayer("b", new DenseLayer.Builder().nIn(3).nOut(3).activation(Activation.SIGMOID).build(), "in")
                        .addVertex("gate", new UserSameDiffLayers.GatedProduct(), "a", "b")
                        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
                                .activation(Activation.IDENTITY).build(), "gate")
                        .setOutputs("out").build());
        g.init();
        check(g, TestNets.features(D, 11, 3, 3), TestNets.features(D, 12, 2, 3), Set.of());
    }
}
