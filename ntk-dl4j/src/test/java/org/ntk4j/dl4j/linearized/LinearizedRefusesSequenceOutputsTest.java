package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sequence outputs are refused by the linearized network with one line saying what to use instead. */
class LinearizedRefusesSequenceOutputsTest extends NtkTestBase {
    @Test
    void rnnOutputLayerIsRefusedClearly() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1)).list()
                .layer(new LSTM.Builder().nOut(3).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(2, 4)).build());
        net.init();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearizedNetwork.of(net).learningRate(0.1).build());
        assertTrue(e.getMessage().contains("RnnOutputLayer") && e.getMessage().contains("EmpiricalNtk"), e.getMessage());
    }
}
