package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.arbiter.MultiLayerSpace;
import org.deeplearning4j.arbiter.layers.DenseLayerSpace;
import org.deeplearning4j.arbiter.layers.OutputLayerSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Tiny data and networks for the sweep tests: points on the unit circle, target sin(2γ)cos(γ). */
final class SweepNets {
    private SweepNets() {
    }

    static DataSet circle(int n, double offset, DataType type) {
        INDArray x = Nd4j.create(type, n, 2);
        INDArray y = Nd4j.create(type, n, 1);
        for (int i = 0; i < n; i++) {
            double g = -Math.PI + 2 * Math.PI * (i + offset) / n;
            x.putScalar(i, 0, Math.cos(g));
            x.putScalar(i, 1, Math.sin(g));
            y.putScalar(i, 0, Math.sin(2 * g) * Math.cos(g));
        }
        return new DataSet(x, y);
    }

    /** Two ReLU hidden layers of the width space, identity MSE output. */
    static MultiLayerSpace space(ParameterSpace<Integer> width, LossFunctions.LossFunction loss) {
        return new MultiLayerSpace.Builder()
                .weightInit(WeightInit.NORMAL)
                .updater(new Sgd(0.1))
                .addLayer(new DenseLayerSpace.Builder().nIn(2).nOut(width).activation(Activation.RELU).build())
                .addLayer(new DenseLayerSpace.Builder().nIn(width).nOut(width).activation(Activation.RELU).build())
                .addLayer(new OutputLayerSpace.Builder().nIn(width).nOut(1).activation(Activation.IDENTITY)
                        .lossFunction(loss).build())
                .build();
    }

    /** The same network as {@link #space} for one width, written by hand. */
    static MultiLayerConfiguration mlp(int width, long seed, double lr, DataType type) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(type).updater(new Sgd(lr))
                .weightInit(WeightInit.NORMAL).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(width).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(width).nOut(width).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(width).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
    }
}
