package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The output of a parameter-free loss layer on per-position data (RnnLossLayer {@code [n, C, T]} / {@code [n, T, C]},
 * CnnLossLayer {@code [n, C, h, w]} / NHWC, Cnn3DLossLayer NCDHW / NDHWC): its activation applied to the channels of
 * every position, as DL4J does (softmax over the channels of each position). Backward: the activation's own backward
 * pass per position, for every stacked output.
 */
final class PerPositionActivationRule implements UnitRule {
    private final IActivation activation;
    private final int channelAxis;

    private PerPositionActivationRule(IActivation activation, int channelAxis) {
        this.activation = activation;
        this.channelAxis = channelAxis;
    }

    static UnitRule rnn(Layer l) {
        RnnLossLayer c = (RnnLossLayer) l.conf().getLayer();
        return new PerPositionActivationRule(c.getActivationFn(), c.getRnnDataFormat() == RNNFormat.NWC ? 2 : 1);
    }

    static UnitRule cnn(Layer l) {
        CnnLossLayer c = (CnnLossLayer) l.conf().getLayer();
        return new PerPositionActivationRule(c.getActivationFn(), c.getFormat() == CNN2DFormat.NHWC ? 3 : 1);
    }

    static UnitRule cnn3d(Layer l) {
        Cnn3DLossLayer c = (Cnn3DLossLayer) l.conf().getLayer();
        return new PerPositionActivationRule(c.getActivationFn(),
                c.getDataFormat() == Convolution3D.DataFormat.NDHWC ? 4 : 1);
    }

    @Override
    public Forward forward(INDArray[] inputs) {
        INDArray x = inputs[0];
        INDArray out = activation.getActivation(ChannelsLast.rows(x, channelAxis), false);
        return new Forward(ChannelsLast.unrows(out, x, channelAxis, x.size(0)), null);
    }

    @Override
    public Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode,
                             boolean needInputEps) {
        if (!needInputEps) {
            return new Backward(new INDArray[1], null);
        }
        INDArray rep = Stacking.repeatExamples(inputs[0], outputs);
        INDArray z = ChannelsLast.rows(rep, channelAxis);
        INDArray e = ChannelsLast.rows(eps, channelAxis);
        INDArray d = activation.backprop(z, e).getFirst();
        return new Backward(new INDArray[]{ChannelsLast.unrows(d, eps, channelAxis, eps.size(0))}, null);
    }

    /** DL4J's per-position loss layers do not mask their output; a mask passes on unchanged. */
    @Override
    public INDArray mask(INDArray[] inputMasks, long n) {
        return inputMasks[0];
    }

    @Override
    public boolean hasParameters() {
        return false;
    }
}
