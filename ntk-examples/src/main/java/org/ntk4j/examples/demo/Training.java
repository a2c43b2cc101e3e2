package org.ntk4j.examples.demo;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Full-batch SGD and the loss, as DL4J computes them. */
final class Training {
    private Training() {
    }

    /** {@code steps} full-batch updates of the network's own {@code Sgd}. */
    static void fit(MultiLayerNetwork net, DataSet train, int steps) {
        for (int i = 0; i < steps; i++) {
            net.fit(train);
        }
    }

    /** @return the mean squared error over examples and outputs (DL4J's {@code LossMSE} score) */
    static double mse(MultiLayerNetwork net, DataSet d) {
        INDArray diff = net.output(d.getFeatures(), false).sub(d.getLabels());
        return diff.mul(diff).meanNumber().doubleValue();
    }
}
