package org.ntk4j.dl4j.listener;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;

/** Small networks and data for the listener tests; workspaces explicitly enabled. */
final class ListenerNets {
    static final int IN = 3;
    static final int OUT = 2;

    private ListenerNets() {
    }

    static NeuralNetConfiguration.Builder base(DataType type, long seed, double lr) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(type).updater(new Sgd(lr))
                .weightInit(WeightInit.XAVIER).biasInit(0.05)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED).inferenceWorkspaceMode(WorkspaceMode.ENABLED);
    }

    /** 3 → 8 tanh → 6 sigmoid → 2 identity, MSE; dropout (retain 0.7) on the hidden layers when asked. */
    static MultiLayerNetwork mlp(DataType type, long seed, boolean dropout) {
        MultiLayerNetwork n = new MultiLayerNetwork(base(type, seed, 0.1).list()
                .layer(new DenseLayer.Builder().nIn(IN).nOut(8).activation(Activation.TANH)
                        .dropOut(dropout ? 0.7 : 1.0).build())
                .layer(new DenseLayer.Builder().nIn(8).nOut(6).activation(Activation.SIGMOID)
                        .dropOut(dropout ? 0.7 : 1.0).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(6).nOut(OUT)
                        .activation(Activation.IDENTITY).build())
                .build());
        n.init();
        return n;
    }

    /** in → d1 (tanh) → d2 (softplus), out(d1 + d2) identity, MSE. */
    static ComputationGraph graph(DataType type, long seed) {
        ComputationGraphConfiguration c = base(type, seed, 0.1).graphBuilder()
                .addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(IN).nOut(5).activation(Activation.TANH).build(), "in")
                .addLayer("d2", new DenseLayer.Builder().nIn(5).nOut(5).activation(Activation.SOFTPLUS).build(), "d1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d1", "d2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(OUT)
                        .activation(Activation.IDENTITY).build(), "add")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(c);
        g.init();
        return g;
    }

    /** Two inputs a [3], b [2] merged, identity output 2, MSE. */
    static ComputationGraph twoInputs(DataType type, long seed) {
        ComputationGraphConfiguration c = base(type, seed, 0.1).graphBuilder()
                .addInputs("a", "b")
                .addLayer("da", new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "a")
                .addLayer("db", new DenseLayer.Builder().nIn(2).nOut(3).activation(Activation.TANH).build(), "b")
                .addVertex("merge", new MergeVertex(), "da", "db")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(7).nOut(OUT)
                        .activation(Activation.IDENTITY).build(), "merge")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(c);
        g.init();
        return g;
    }

    static INDArray gaussian(DataType type, long seed, long... shape) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian(shape).castTo(type);
    }

    /** Features [n, 3] and smooth targets [n, 2]. */
    static DataSet data(DataType type, long seed, int n) {
        INDArray x = gaussian(DataType.DOUBLE, seed, n, IN);
        INDArray y = Nd4j.create(DataType.DOUBLE, n, OUT);
        for (int i = 0; i < n; i++) {
            double a = x.getDouble(i, 0), b = x.getDouble(i, 1), c = x.getDouble(i, 2);
            y.putScalar(i, 0, Math.sin(a + 0.5 * b));
            y.putScalar(i, 1, Math.tanh(b * c) - 0.3 * a);
        }
        return new DataSet(x.castTo(type), y.castTo(type));
    }

    /** A resettable iterator over {@code batches} minibatches of {@code batchSize} examples, no shuffling. */
    static ListDataSetIterator<DataSet> iterator(DataType type, long seed, int batches, int batchSize) {
        List<DataSet> list = new ArrayList<>(data(type, seed, batches * batchSize).asList());
        return new ListDataSetIterator<>(list, batchSize);
    }
}
