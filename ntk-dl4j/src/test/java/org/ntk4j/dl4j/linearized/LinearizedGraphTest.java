package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.File;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/** A ComputationGraph and the MultiLayerNetwork with the same layers and parameters linearize identically. */
class LinearizedGraphTest extends NtkTestBase {
    private final DataSet train = Nets.data(DataType.DOUBLE, 5, 10, 3, 2);
    private final INDArray xTest = Nets.data(DataType.DOUBLE, 6, 4, 3, 2).getFeatures();

    private ComputationGraph graph(MultiLayerNetwork twin) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE)
                .updater(new Sgd(0.05)).weightInit(WeightInit.NORMAL).graphBuilder().addInputs("in")
                .addLayer("h", new DenseLayer.Builder().nIn(3).nOut(32).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(32).nOut(2)
                        .activation(Activation.IDENTITY).build(), "h")
                .setOutputs("out").build());
        g.init();
        g.setParams(twin.params().dup()); // same layout for a chain: h_W, h_b, out_W, out_b
        return g;
    }

    @Test
    void graphEqualsMultiLayerNetwork(@TempDir Path dir) throws Exception {
        MultiLayerNetwork mln = Nets.mlp(DataType.DOUBLE, 9, 3, 2, 0.05, Activation.TANH, 32);
        ComputationGraph cg = graph(mln);
        assertClose(mln.output(xTest), cg.outputSingle(xTest), tol(DataType.DOUBLE).exact(), "same network");
        LinearizedNetwork a = LinearizedNetwork.of(mln).build().fit(train);
        LinearizedNetwork b = LinearizedNetwork.of(cg).build().fit(train);
        assertEquals(0.05, b.learningRate());
        assertClose(a.output(xTest, 40), b.output(xTest, 40), tol(DataType.DOUBLE).exact(), "40 steps");
        assertClose(a.output(xTest), b.output(xTest), tol(DataType.DOUBLE).solve(), "convergence");
        File f = dir.resolve("cg.zip").toFile();
        b.save(f);
        LinearizedNetwork back = LinearizedNetwork.load(f);
        assertTrue(back.initialNetwork() instanceof ComputationGraph);
        assertClose(b.output(xTest, 40), back.output(xTest, 40), tol(DataType.DOUBLE).exact(), "reloaded graph");
    }

    @Test
    void graphWithTwoOutputsIsRefused() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in")
                .addLayer("a", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(1).activation(Activation.IDENTITY).build(), "in")
                .addLayer("b", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(1).activation(Activation.IDENTITY).build(), "in")
                .setOutputs("a", "b").build());
        g.init();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearizedNetwork.of(g).learningRate(0.1).build());
        assertTrue(e.getMessage().contains("one input and one output (got 1 inputs, 2 outputs)"), e.getMessage());
    }
}
