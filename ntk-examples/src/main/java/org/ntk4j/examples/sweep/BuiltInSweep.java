package org.ntk4j.examples.sweep;

import org.deeplearning4j.arbiter.MultiLayerSpace;
import org.deeplearning4j.arbiter.layers.DenseLayerSpace;
import org.deeplearning4j.arbiter.layers.OutputLayerSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The built-in task of {@code ntk sweep}: the circle regression of Jacot et al. (2018, Fig. 1) — inputs
 * {@code (cos γ, sin γ)}, target {@code sin(2γ) cos γ} — with an Arbiter {@link MultiLayerSpace} of {@code depth} dense
 * layers whose widths are one {@link DiscreteParameterSpace}.
 */
public final class BuiltInSweep {
    private BuiltInSweep() {
    }

    /**
     * @param n      points, evenly spaced on the circle
     * @param offset shift of the grid in units of the spacing (train and test sets use different offsets)
     * @param type   data type
     * @return features {@code [n, 2]}, labels {@code [n, 1]}
     */
    public static DataSet circle(int n, double offset, DataType type) {
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

    /**
     * @param width      the width space (shared by every hidden layer)
     * @param depth      hidden layers, ≥ 1
     * @param activation hidden activation
     * @return the space: N(0, 1/fan_in) weights, zero biases, identity output with MSE
     */
    public static MultiLayerSpace space(DiscreteParameterSpace<Integer> width, int depth, Activation activation) {
        MultiLayerSpace.Builder b = new MultiLayerSpace.Builder().weightInit(WeightInit.NORMAL).biasInit(0.0);
        b.addLayer(new DenseLayerSpace.Builder().nIn(2).nOut(width).activation(activation).build());
        for (int i = 1; i < depth; i++) {
            b.addLayer(new DenseLayerSpace.Builder().nIn(width).nOut(width).activation(activation).build());
        }
        b.addLayer(new OutputLayerSpace.Builder().nIn(width).nOut(1).activation(Activation.IDENTITY)
                .lossFunction(LossFunctions.LossFunction.MSE).build());
        return b.build();
    }
}
