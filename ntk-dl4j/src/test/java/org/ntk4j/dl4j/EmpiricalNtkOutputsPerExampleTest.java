package org.ntk4j.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EmpiricalNtk#outputsPerExample}: the count of output entries per example, against the shape of DL4J's own
 * {@code output(x)} (an independent reference) and against the FULL kernel's last dimensions.
 */
class EmpiricalNtkOutputsPerExampleTest extends NtkTestBase {

    /** @return the entries of one example in DL4J's output: the product of the output's non-example dimensions */
    private static long entries(INDArray out) {
        return out.length() / out.size(0);
    }

    private static void check(org.deeplearning4j.nn.api.Model net, INDArray out, INDArray... x) {
        EmpiricalNtk full = EmpiricalNtk.builder().outputMode(OutputMode.FULL).build();
        int m = EmpiricalNtk.builder().build().outputsPerExample(net, x);
        assertEquals(entries(out), m, "outputs per example vs DL4J's output shape");
        assertEquals(m, full.outputsPerExample(net, x));
        assertEquals(m, full.compute(net, x, null).size(2), "FULL kernel [n, n, m, m]");
        assertEquals(m, EmpiricalNtk.builder().implementation(NtkImplementation.JACOBIAN).build()
                .outputsPerExample(net, x));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void countsMatchDl4jOutputs(DataType t) {
        MultiLayerNetwork mlp = TestNets.mlp(t, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        INDArray x = TestNets.features(t, 11, 3, 4);
        check(mlp, mlp.output(x), x);

        MultiLayerNetwork cnn = TestNets.cnn(t);
        INDArray img = TestNets.features(t, 12, 2, 1, 6, 6);
        check(cnn, cnn.output(img), img);

        ComputationGraph two = TestNets.twoInputs(t);
        INDArray a = TestNets.features(t, 13, 2, 3), b = TestNets.features(t, 14, 2, 2);
        check(two, two.outputSingle(a, b), a, b);

        MultiLayerNetwork rnn = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(15).dataType(t)
                .updater(new Sgd(0.1)).list()
                .layer(new LSTM.Builder().nOut(3).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.recurrent(2, 5)).build());
        rnn.init();
        INDArray seq = TestNets.features(t, 16, 2, 2, 5);
        check(rnn, rnn.output(seq), seq);
        assertEquals(2 * 5, EmpiricalNtk.builder().build().outputsPerExample(rnn, seq), "o·T");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void refusesFeaturesThatDoNotFitOrHaveNoExample(DataType t) {
        MultiLayerNetwork mlp = TestNets.mlp(t, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        EmpiricalNtk ntk = EmpiricalNtk.builder().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ntk.outputsPerExample(mlp, TestNets.features(t, 17, 3, 5)));
        assertTrue(e.getMessage().contains("[n, 4]") && e.getMessage().contains("[n, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ntk.outputsPerExample(mlp, org.nd4j.linalg.factory.Nd4j.create(t, 0, 4)));
        assertTrue(e.getMessage().contains("at least one example"), e.getMessage());
    }
}
