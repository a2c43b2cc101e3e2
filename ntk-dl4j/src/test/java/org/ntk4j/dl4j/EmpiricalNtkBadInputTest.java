package org.ntk4j.dl4j;

import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bad input gets an exception whose message names the problem and the fix. */
class EmpiricalNtkBadInputTest extends NtkTestBase {
    private final MultiLayerNetwork net = TestNets.mlp(DataType.DOUBLE, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
    private final EmpiricalNtk ntk = EmpiricalNtk.builder().build();

    private static void assertMessage(Class<? extends Throwable> type, Executable e, String... parts) {
        Throwable t = assertThrows(type, e);
        for (String p : parts) {
            assertTrue(t.getMessage().contains(p), "message '" + t.getMessage() + "' lacks '" + p + "'");
        }
    }

    @Test
    void wrongFeatureWidth() {
        assertMessage(IllegalArgumentException.class, () -> ntk.compute(net, Nd4j.zeros(DataType.DOUBLE, 3, 5)),
                "expected features [n, 4], got [n, 5]");
    }

    @Test
    void x2DiffersFromX1() {
        assertMessage(IllegalArgumentException.class,
                () -> ntk.compute(net, Nd4j.zeros(DataType.DOUBLE, 3, 4), Nd4j.zeros(DataType.DOUBLE, 2, 4, 1)),
                "x2");
    }

    @Test
    void vectorInsteadOfMatrix() {
        assertMessage(IllegalArgumentException.class, () -> ntk.compute(net, Nd4j.zeros(DataType.DOUBLE, 4)),
                "[1, d]");
    }

    @Test
    void nanAndInfinity() {
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 3, 4);
        x.putScalar(1, 2, Double.NaN);
        assertMessage(IllegalArgumentException.class, () -> ntk.compute(net, x), "x1", "NaN");
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 3, 4);
        y.putScalar(0, 0, Double.POSITIVE_INFINITY);
        assertMessage(IllegalArgumentException.class, () -> ntk.compute(net, Nd4j.zeros(DataType.DOUBLE, 2, 4), y), "x2", "infinite");
    }

    @Test
    void unsupportedDataTypes() {
        assertMessage(IllegalArgumentException.class, () -> ntk.compute(net, Nd4j.create(DataType.BOOL, 3, 4)),
                "BOOL", "FLOAT or DOUBLE");
        MultiLayerNetwork half = TestNets.mlp(DataType.HALF, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        assertMessage(IllegalArgumentException.class, () -> ntk.compute(half, Nd4j.zeros(DataType.HALF, 3, 4)),
                "HALF", ".dataType(DataType.FLOAT)");
    }

    @Test
    void memoryBudgetExceeded() {
        EmpiricalNtk small = EmpiricalNtk.builder().outputMode(OutputMode.FULL).memoryBudgetBytes(10_000).build();
        assertMessage(MemoryBudgetExceededException.class, () -> small.compute(net, Nd4j.zeros(DataType.DOUBLE, 40, 4)),
                "needs about", "OutputMode.TRACE", "blockSize");
    }

    @Test
    void uninitialisedNetworkAndWrongModels() {
        MultiLayerNetwork raw = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
        assertMessage(IllegalArgumentException.class, () -> ntk.compute(raw, Nd4j.zeros(DataType.DOUBLE, 2, 4)), "net.init()");
        assertMessage(IllegalArgumentException.class, () -> ntk.compute(null, Nd4j.zeros(DataType.DOUBLE, 2, 4)), "model");
    }

    @Test
    void graphWithTwoOutputsAndWrongInputCount() {
        ComputationGraph two = new ComputationGraph(TestNets.base(DataType.DOUBLE, 1).graphBuilder().addInputs("in")
                .addLayer("a", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(1).activation(Activation.IDENTITY).build(), "in")
                .addLayer("b", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(1).activation(Activation.IDENTITY).build(), "in")
                .setOutputs("a", "b").build());
        two.init();
        EmpiricalNtk pick = EmpiricalNtk.builder().outputs("c").build();
        assertMessage(IllegalArgumentException.class, () -> pick.compute(two, Nd4j.zeros(DataType.DOUBLE, 2, 3)),
                "no output 'c'", "[a, b]");
        assertMessage(IllegalArgumentException.class,
                () -> ntk.compute(TestNets.twoInputs(DataType.DOUBLE), Nd4j.zeros(DataType.DOUBLE, 2, 3)), "2 input(s)");
    }

    @Test
    void unsupportedOutputLayer() {
        MultiLayerNetwork center = TestNets.init(TestNets.base(DataType.DOUBLE, 1).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(3).build())
                .layer(new CenterLossOutputLayer.Builder().nIn(3).nOut(2).activation(Activation.SOFTMAX).build())
                .build());
        assertMessage(UnsupportedOperationException.class, () -> ntk.compute(center, Nd4j.zeros(DataType.DOUBLE, 2, 2)),
                "layer 1", "CenterLossOutputLayer", "use an OutputLayer");
    }

    @Test
    void builderValidation() {
        assertMessage(IllegalArgumentException.class, () -> EmpiricalNtk.builder().blockSize(0), "(got: 0)");
        assertMessage(IllegalArgumentException.class, () -> EmpiricalNtk.builder().memoryBudgetBytes(-5), "(got: -5)");
        assertMessage(IllegalArgumentException.class, () -> EmpiricalNtk.builder().outputMode(null), "(got: null)");
        assertMessage(IllegalArgumentException.class, () -> EmpiricalNtk.builder().implementation(null), "(got: null)");
    }
}
