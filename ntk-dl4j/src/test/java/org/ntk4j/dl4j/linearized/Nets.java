package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkAssertions;

/** Small DL4J MLPs and data sets for the linearized-network tests. */
final class Nets {
    private Nets() {
    }

    static MultiLayerNetwork mlp(DataType type, long seed, int in, int out, double lr, Activation act, int... widths) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(seed).dataType(type)
                .updater(new Sgd(lr)).weightInit(WeightInit.NORMAL).biasInit(0.1).list();
        int prev = in;
        for (int w : widths) {
            b.layer(new DenseLayer.Builder().nIn(prev).nOut(w).activation(act).build());
            prev = w;
        }
        b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(prev).nOut(out)
                .activation(Activation.IDENTITY).build());
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        return net;
    }

    /** Inputs on the unit sphere-ish, targets a smooth function of them: [n, in] → [n, out]. */
    static DataSet data(DataType type, long seed, int n, int in, int out) {
        INDArray x = NtkAssertions.gaussian(DataType.DOUBLE, seed, n, in);
        INDArray w = NtkAssertions.gaussian(DataType.DOUBLE, 99, in, out);
        INDArray y = org.nd4j.linalg.ops.transforms.Transforms.sin(x.mmul(w), true);
        return new DataSet(x.castTo(type), y.castTo(type));
    }
}
