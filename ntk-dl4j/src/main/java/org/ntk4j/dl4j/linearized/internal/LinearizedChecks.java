package org.ntk4j.dl4j.linearized.internal;

import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.ntk4j.dl4j.network.NetworkAdapter;

/** What a network must be for the linearized network's closed form, and the checks of its scalar settings. */
public final class LinearizedChecks {
    private LinearizedChecks() {
    }

    /**
     * @param net the network's adapter
     * @return o, the outputs of its single MSE output layer
     * @throws IllegalArgumentException naming what is unsupported and what to do
     */
    public static int outputCount(NetworkAdapter net) {
        if (net.numInputs() != 1 || net.numOutputs() != 1) {
            throw new IllegalArgumentException("LinearizedNetwork needs a ComputationGraph with one input and one "
                    + "output (got " + net.numInputs() + " inputs, " + net.numOutputs() + " outputs)");
        }
        org.deeplearning4j.nn.conf.layers.Layer l = net.outputLayerConf();
        if (!(l instanceof BaseOutputLayer out)) {
            throw new IllegalArgumentException("the network must end in an output layer with LossMSE (got "
                    + l.getClass().getSimpleName() + ")");
        }
        if (l instanceof RnnOutputLayer) {
            throw new IllegalArgumentException("the linearized network supports outputs [n, o] (an OutputLayer with"
                    + " LossMSE), got an RnnOutputLayer with sequence outputs [n, o, T]: compute its kernel with"
                    + " EmpiricalNtk (FULL is [n1, n2, o·T, o·T]) or end the network in LastTimeStep/pooling + OutputLayer");
        }
        ILossFunction loss = out.getLossFn();
        if (loss == null || loss.getClass() != LossMSE.class) {
            throw new IllegalArgumentException("the linearized network has a closed form only for LossMSE (mean "
                    + "squared error), got " + (loss == null ? "no loss" : loss.getClass().getSimpleName())
                    + "; set .lossFunction(LossFunctions.LossFunction.MSE) on the output layer, or integrate the "
                    + "function-space ODE with org.ntk4j.core.predict.FunctionSpaceOde");
        }
        if (((LossMSE) loss).getWeights() != null) {
            throw new IllegalArgumentException("weighted LossMSE is not supported: remove the loss weights");
        }
        return (int) out.getNOut();
    }

    /**
     * @param net the network's adapter
     * @return the one {@code Sgd} learning rate of every trainable layer
     * @throws IllegalArgumentException when there is none, asking for {@code learningRate(...)}
     */
    public static double sgdRate(NetworkAdapter net) {
        Double found = null;
        for (org.deeplearning4j.nn.api.Layer layer : net.layers()) {
            if (layer.conf().getLayer() instanceof BaseLayer bl) {
                IUpdater u = bl.getIUpdater();
                if (!(u instanceof Sgd sgd) || (found != null && found != sgd.getLearningRate())) {
                    throw new IllegalArgumentException("set learningRate(...): the network does not use one Sgd "
                            + "learning rate for every layer (got " + u + ")");
                }
                found = sgd.getLearningRate();
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("set learningRate(...): the network has no trainable layer");
        }
        return found;
    }

    /**
     * @param value the argument
     * @param name  its name
     * @return {@code value} when finite and &gt; 0
     * @throws IllegalArgumentException {@code "<name> must be finite and > 0 (got: <value>)"}
     */
    public static double positiveFinite(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0 (got: " + value + ")");
        }
        return value;
    }

    /**
     * @param value the argument
     * @param name  its name
     * @return {@code value} when finite and ≥ 0
     * @throws IllegalArgumentException {@code "<name> must be finite and >= 0 (got: <value>)"}
     */
    public static double nonNegativeFinite(double value, String name) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0 (got: " + value + ")");
        }
        return value;
    }
}
