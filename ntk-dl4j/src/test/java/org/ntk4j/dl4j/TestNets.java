package org.ntk4j.dl4j;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks covering every layer kind with a rule, for the engine's tests. */
final class TestNets {
    private TestNets() {
    }

    static NeuralNetConfiguration.Builder base(DataType type, long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(type).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).biasInit(0.1);
    }

    static MultiLayerNetwork init(MultiLayerConfiguration c) {
        MultiLayerNetwork n = new MultiLayerNetwork(c);
        n.init();
        return n;
    }

    /** 4 → 5 (tanh) → 4 (softplus) → 3 identity, MSE. */
    static MultiLayerNetwork mlp(DataType type, Activation outAct, LossFunctions.LossFunction loss) {
        return init(base(type, 1).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.SOFTPLUS).build())
                .layer(new OutputLayer.Builder(loss).nIn(4).nOut(3).activation(outAct).build())
                .build());
    }

    /** Dense, ActivationLayer, DropoutLayer, dropout on a dense layer, BatchNormalization, LossLayer(sigmoid). */
    static MultiLayerNetwork mixed(DataType type) {
        MultiLayerNetwork n = init(base(type, 2).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.IDENTITY).dropOut(0.5).build())
                .layer(new ActivationLayer.Builder().activation(Activation.SIGMOID).build())
                .layer(new DropoutLayer.Builder(0.7).build())
                .layer(new BatchNormalization.Builder().nOut(6).build())
                .layer(new DenseLayer.Builder().nIn(6).nOut(2).activation(Activation.IDENTITY).hasBias(false).build())
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.XENT).activation(Activation.SIGMOID).build())
                .build());
        randomizeBatchNorm(n, "3_");
        return n;
    }

    /** Running statistics and gamma/beta away from their initial values, so their roles are visible. */
    static void randomizeBatchNorm(org.deeplearning4j.nn.api.Model n, String prefix) {
        org.nd4j.linalg.api.rng.Random r = Nd4j.getRandomFactory().getNewRandomInstance(99);
        for (var e : n.paramTable().entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            INDArray p = e.getValue();
            INDArray u = r.nextDouble(p.shape()).castTo(p.dataType());
            switch (e.getKey().substring(prefix.length())) {
                case "mean" -> p.assign(u.subi(0.5));
                case "var" -> p.assign(u.addi(0.5));
                case "log10stdev" -> p.assign(u.subi(0.5).muli(0.3));
                case "gamma" -> p.assign(u.addi(0.5));
                case "beta" -> p.assign(u.subi(0.5));
                default -> { }
            }
        }
    }

    /** conv 3x3 (2 ch, tanh) → BN → max pool 2x2 → conv 2x2 same (2 ch) → global avg pool → softmax output 3. */
    static MultiLayerNetwork cnn(DataType type) {
        MultiLayerNetwork n = init(base(type, 3).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(2).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.SOFTSIGN).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build());
        randomizeBatchNorm(n, "1_");
        return n;
    }

    /** NHWC input, strided truncate-mode conv without bias, then average pooling and identity output 2. */
    static MultiLayerNetwork cnnNhwc(DataType type) {
        return init(base(type, 8).list()
                .layer(new ConvolutionLayer.Builder(3, 2).stride(2, 1).padding(1, 0).nOut(3).hasBias(false)
                        .dataFormat(org.deeplearning4j.nn.conf.CNN2DFormat.NHWC).activation(Activation.SIGMOID).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(1, 1)
                        .dataFormat(org.deeplearning4j.nn.conf.CNN2DFormat.NHWC).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(7, 7, 2, org.deeplearning4j.nn.conf.CNN2DFormat.NHWC))
                .build());
    }

    /** A dense layer with layer normalisation (no structured rule) between plain ones. */
    static MultiLayerNetwork layerNorm(DataType type) {
        return init(base(type, 9).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).hasLayerNorm(true).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).activation(Activation.IDENTITY).build())
                .build());
    }

    /** Embedding (vocab 5) → dense tanh → identity output 2. */
    static MultiLayerNetwork embedding(DataType type) {
        return init(base(type, 4).list()
                .layer(new EmbeddingLayer.Builder().nIn(5).nOut(3).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).activation(Activation.IDENTITY).build())
                .build());
    }

    /** A dense layer wrapped in FrozenLayerWithBackprop between trainable ones. */
    static MultiLayerNetwork frozenMiddle(DataType type) {
        return init(base(type, 5).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new FrozenLayerWithBackprop(new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.TANH).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).activation(Activation.IDENTITY).build())
                .build());
    }

    /** Graph with a skip connection: in → d1 → d2, out(d1 + d2). */
    static ComputationGraph skip(DataType type) {
        ComputationGraphConfiguration c = base(type, 6).graphBuilder()
                .addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("d2", new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.SIGMOID).build(), "d1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d1", "d2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2)
                        .activation(Activation.IDENTITY).build(), "add")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(c);
        g.init();
        return g;
    }

    /** Graph with two inputs merged: a[3] → da, b[2] → db, merge → softmax output 3. */
    static ComputationGraph twoInputs(DataType type) {
        ComputationGraphConfiguration c = base(type, 7).graphBuilder()
                .addInputs("a", "b")
                .addLayer("da", new DenseLayer.Builder().nIn(3).nOut(3).activation(Activation.TANH).build(), "a")
                .addLayer("db", new DenseLayer.Builder().nIn(2).nOut(2).activation(Activation.ELU).build(), "b")
                .addVertex("merge", new MergeVertex(), "da", "db")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "merge")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(c);
        g.init();
        return g;
    }

    static INDArray features(DataType type, long seed, long... shape) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian(shape).castTo(type);
    }

    static INDArray indices(DataType type, long seed, int n, int vocab) {
        java.util.Random r = new java.util.Random(seed);
        INDArray x = Nd4j.create(type, n, 1);
        for (int i = 0; i < n; i++) {
            x.putScalar(i, 0, r.nextInt(vocab));
        }
        return x;
    }
}
