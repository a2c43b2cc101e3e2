package org.ntk4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkTestBase;

import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.D;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.EXACT;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.H;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.TOL;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.avgPool;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.out;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.seq;

/**
 * Variable-length sequences (feature masks) against finite differences of DL4J's masked output
 * {@code output(x, false, mask, null)}, and multi-output graphs (all heads, cross blocks, one head by name).
 */
class MasksAndHeadsFiniteDifferenceTest extends NtkTestBase {

    static INDArray mask(long n, long t, int... lengths) {
        INDArray m = Nd4j.zeros(D, n, t);
        for (int i = 0; i < n; i++) {
            for (int s = 0; s < lengths[i]; s++) {
                m.putScalar(i, s, 1.0);
            }
        }
        return m;
    }

    /**
     * One model, masked x1 and x2, every exact implementation, FULL and TRACE, tiled and untiled; the reference is
     * DL4J's masked output with the masked steps of a sequence output set to zero ({@code sequenceOut}).
     */
    static void checkMasked(Model net, INDArray x1, INDArray m1, INDArray x2, INDArray m2, boolean sequenceOut) {
        INDArray before = net.params().dup();
        INDArray refFull = FiniteDifferenceNtk.full(
                FiniteDifferenceNtk.outputFn(net, new INDArray[]{m1}, sequenceOut ? new INDArray[]{m1} : null),
                FiniteDifferenceNtk.outputFn(net, new INDArray[]{m2}, sequenceOut ? new INDArray[]{m2} : null), net,
                new INDArray[]{x1}, new INDArray[]{x2}, Set.of(), H);
        INDArray refTrace = KernelLayout.traceOf(refFull);
        for (NtkImplementation impl : EXACT) {
            for (int block : new int[]{512, 2}) {
                String what = net.getClass().getSimpleName() + " " + impl + " block " + block;
                EmpiricalNtk full = EmpiricalNtk.builder().implementation(impl).outputMode(OutputMode.FULL).blockSize(block).build();
                EmpiricalNtk trace = EmpiricalNtk.builder().implementation(impl).blockSize(block).build();
                assertClose(refFull, full.compute(net, x1, x2, m1, m2), TOL, what + " FULL, masked");
                assertClose(refTrace, trace.compute(net, x1, x2, m1, m2), TOL, what + " TRACE, masked");
            }
        }
        assertEquals(before, net.params(), "parameters changed");
    }

    @Test
    void lstmSequenceOutputWithMasks() {
        for (Model m : AnyNets.both(D, 61, InputType.recurrent(2, 4),
                new LSTM.Builder().nOut(3).activation(Activation.TANH).build(),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())) {
            checkMasked(m, seq(31, 3, 2, 4), mask(3, 4, 4, 2, 1), seq(32, 2, 2, 4), mask(2, 4, 3, 4), true);
        }
    }

    @Test
    void pooledAndAttentionWithMasksLastTimeStepRefused() {
        for (Model m : AnyNets.both(D, 62, InputType.recurrent(2, 4),
                new LSTM.Builder().nOut(3).activation(Activation.TANH).build(), avgPool(), out(2))) {
            checkMasked(m, seq(33, 3, 2, 4), mask(3, 4, 4, 2, 1), seq(34, 2, 2, 4), mask(2, 4, 3, 4), false);
        }
        for (Model m : AnyNets.both(D, 63, InputType.recurrent(2, 4),
                new LastTimeStep(new LSTM.Builder().nOut(3).activation(Activation.TANH).build()), out(2))) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> EmpiricalNtk
                    .builder().build().compute(m, seq(35, 3, 2, 4), null, mask(3, 4, 4, 2, 1), null));
            assertTrue(e.getMessage().contains("LastTimeStep with a feature mask") && e.getMessage().contains("GlobalPooling"),
                    e.getMessage());
        }
        for (Model m : AnyNets.both(D, 64, InputType.recurrent(2, 4),
                new SelfAttentionLayer.Builder().nOut(2).nHeads(1).projectInput(true).build(), avgPool(), out(2))) {
            checkMasked(m, seq(37, 3, 2, 4), mask(3, 4, 4, 2, 3), seq(38, 2, 2, 4), mask(2, 4, 3, 4), false);
        }
    }

    /** Pooled outputs: sequences of different lengths on the two sides are allowed (same m). */
    @Test
    void differentLengthsWithPooledOutput() {
        Model m = AnyNets.mln(D, 65, InputType.recurrent(2), new LSTM.Builder().nOut(3).activation(Activation.TANH).build(),
                avgPool(), out(2));
        AnyNetworkFiniteDifferenceTest.check(m, seq(39, 3, 2, 4), seq(40, 2, 2, 3), Set.of());
    }

    @Test
    void badMasksAndLengths() {
        Model m = AnyNets.mln(D, 66, InputType.recurrent(2), new LSTM.Builder().nOut(3).activation(Activation.TANH).build(),
                new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY)
                        .dataFormat(RNNFormat.NCW).build());
        EmpiricalNtk ntk = EmpiricalNtk.builder().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ntk.compute(m, seq(1, 3, 2, 4), null, mask(2, 4, 1, 1), null));
        assertTrue(e.getMessage().startsWith("mask1: expected a sequence mask [n, T]") && e.getMessage().contains("[2, 4]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ntk.compute(m, seq(1, 3, 2, 4), seq(2, 2, 2, 5)));
        assertTrue(e.getMessage().contains("x1 gives 4 outputs per example and x2 gives 5")
                && e.getMessage().contains("pass masks"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ntk.compute(m, seq(1, 3, 2, 4), null, null, mask(3, 4, 1, 1, 1)));
        assertTrue(e.getMessage().startsWith("mask2 given without x2"), e.getMessage());
        Model dense = AnyNets.mln(D, 67, InputType.feedForward(2), new DenseLayer.Builder().nOut(2).build(), out(1));
        e = assertThrows(IllegalArgumentException.class,
                () -> ntk.compute(dense, TestNets.features(D, 1, 3, 2), null, mask(3, 4, 1, 1, 1), null));
        assertTrue(e.getMessage().contains("features must be sequences"), e.getMessage());
    }

    static ComputationGraph twoHeads() {
        ComputationGraph g = new ComputationGraph(TestNets.base(D, 68).graphBuilder().addInputs("in")
                .addLayer("shared", new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("cls", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "shared")
                .addLayer("hidden", new DenseLayer.Builder().nIn(4).nOut(2).activation(Activation.SIGMOID).build(), "shared")
                .addLayer("reg", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(2)
                        .activation(Activation.IDENTITY).build(), "hidden")
                .setOutputs("reg", "cls").build());
        g.init();
        return g;
    }

    @Test
    void twoHeadGraphAllOutputsAndOneByName() {
        ComputationGraph g = twoHeads();
        INDArray x1 = TestNets.features(D, 41, 3, 3), x2 = TestNets.features(D, 42, 2, 3);
        AnyNetworkFiniteDifferenceTest.check(g, x1, x2, Set.of()); // m = 2 + 3, setOutputs order: reg then cls
        Function<INDArray[], INDArray> cls = x -> FiniteDifferenceNtk.flatten(new INDArray[]{g.output(false, x)[1]}, null);
        INDArray ref = FiniteDifferenceNtk.full(cls, cls, g, new INDArray[]{x1}, new INDArray[]{x2}, Set.of(), H);
        for (NtkImplementation impl : EXACT) {
            EmpiricalNtk one = EmpiricalNtk.builder().implementation(impl).outputMode(OutputMode.FULL).outputs("cls").build();
            assertClose(ref, one.compute(g, x1, x2), TOL, impl + " output 'cls' alone");
        }
        String d = EmpiricalNtk.builder().build().describe(g);
        assertTrue(d.contains("output 0: 'reg'") && d.contains("output 1: 'cls'") && d.contains("cross-output"), d);
    }
}
