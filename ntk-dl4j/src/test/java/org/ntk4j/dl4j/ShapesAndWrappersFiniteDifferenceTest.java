package org.ntk4j.dl4j;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.layers.util.MaskZeroLayer;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;

import java.util.Set;

import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.D;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.check;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.checkBoth;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.out;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.seq;

/** Sequence and image outputs and DL4J's wrapper layers against finite differences (see AnyNetworkFiniteDifferenceTest). */
class ShapesAndWrappersFiniteDifferenceTest extends NtkTestBase {

    private static RnnOutputLayer rnnOut(int nOut, Activation a, RNNFormat f) {
        return new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(nOut).activation(a).dataFormat(f).build();
    }

    @Test
    void lstmSequenceOutputNcw() {
        checkBoth(AnyNets.both(D, 41, InputType.recurrent(3, 3),
                        new LSTM.Builder().nOut(3).activation(Activation.TANH).build(),
                        rnnOut(2, Activation.IDENTITY, RNNFormat.NCW)),
                seq(11, 3, 3, 3), seq(12, 2, 3, 3));
    }

    @Test
    void lstmSequenceOutputNwcSoftmax() {
        checkBoth(AnyNets.both(D, 42, InputType.recurrent(3, 3, RNNFormat.NWC),
                        new LSTM.Builder().nOut(3).activation(Activation.TANH).dataFormat(RNNFormat.NWC).build(),
                        rnnOut(3, Activation.SOFTMAX, RNNFormat.NWC)),
                TestNets.features(D, 13, 3, 3, 3), TestNets.features(D, 14, 2, 3, 3));
    }

    @Test
    void bidirectionalLstmSequenceOutput() {
        checkBoth(AnyNets.both(D, 43, InputType.recurrent(2, 3),
                        new Bidirectional(Bidirectional.Mode.ADD, new LSTM.Builder().nOut(2).activation(Activation.TANH).build()),
                        rnnOut(2, Activation.SOFTMAX, RNNFormat.NCW)),
                seq(15, 3, 2, 3), seq(16, 2, 2, 3));
    }

    @Test
    void simpleRnnWithRnnLossLayer() {
        checkBoth(AnyNets.both(D, 44, InputType.recurrent(2, 3),
                        new SimpleRnn.Builder().nOut(3).activation(Activation.TANH).build(),
                        new RnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build()),
                seq(17, 3, 2, 3), seq(18, 2, 2, 3));
    }

    @Test
    void lastTimeStepOfAnLstm() {
        checkBoth(AnyNets.both(D, 45, InputType.recurrent(3, 4),
                        new LastTimeStep(new LSTM.Builder().nOut(4).activation(Activation.TANH).build()),
                        out(2)),
                seq(19, 4, 3, 4), seq(20, 3, 3, 4));
    }

    @Test
    void timeDistributedDenseAndMaskZero() {
        INDArray x1 = seq(21, 3, 2, 3), x2 = seq(22, 2, 2, 3);
        x1.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(2)).assign(0.0); // a masked (all-zero) step
        checkBoth(AnyNets.both(D, 46, InputType.recurrent(2, 3),
                        new MaskZeroLayer.Builder().setMaskValue(0.0)
                                .setUnderlying(new SimpleRnn.Builder().nOut(3).activation(Activation.TANH).build()).build(),
                        new TimeDistributed(new DenseLayer.Builder().nOut(2).activation(Activation.SIGMOID).build(),
                                RNNFormat.NCW),
                        rnnOut(2, Activation.IDENTITY, RNNFormat.NCW)),
                x1, x2);
    }

    @Test
    void cnnLossLayerNchwSoftmaxAndNhwc() {
        checkBoth(AnyNets.both(D, 47, InputType.convolutional(3, 3, 2),
                        new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.TANH)
                                .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).build(),
                        new CnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build()),
                TestNets.features(D, 23, 3, 2, 3, 3), TestNets.features(D, 24, 2, 2, 3, 3));
        checkBoth(AnyNets.both(D, 48, InputType.convolutional(3, 3, 2, CNN2DFormat.NHWC),
                        new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.TANH).dataFormat(CNN2DFormat.NHWC)
                                .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).build(),
                        new CnnLossLayer.Builder(LossFunctions.LossFunction.MCXENT).format(CNN2DFormat.NHWC)
                                .activation(Activation.SOFTMAX).build()),
                TestNets.features(D, 25, 3, 3, 3, 2), TestNets.features(D, 26, 2, 3, 3, 2));
    }

    @Test
    void cnn3DLossLayer() {
        checkBoth(AnyNets.both(D, 49, InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 2, 2, 2, 1),
                        new Convolution3D.Builder().kernelSize(1, 1, 1).nOut(2).activation(Activation.TANH).build(),
                        new Cnn3DLossLayer.Builder(Convolution3D.DataFormat.NCDHW).activation(Activation.SIGMOID)
                                .lossFunction(LossFunctions.LossFunction.XENT).build()),
                TestNets.features(D, 27, 3, 1, 2, 2, 2), TestNets.features(D, 28, 2, 1, 2, 2, 2));
    }

    /** DL4J trains nothing below a FrozenLayer (its backward pass stops there): layers 0 and 1 are not parameters. */
    @Test
    void frozenLayerStopsTheKernelBelowIt() {
        for (Model m : AnyNets.both(D, 50, InputType.feedForward(3),
                new DenseLayer.Builder().nOut(3).activation(Activation.TANH).build(),
                new FrozenLayer(new DenseLayer.Builder().nIn(3).nOut(3).activation(Activation.TANH).build()),
                new DenseLayer.Builder().nOut(3).activation(Activation.SIGMOID).build(),
                out(2))) {
            Set<String> frozen = m instanceof org.deeplearning4j.nn.graph.ComputationGraph ? Set.of("l0", "l1") : Set.of("0", "1");
            check(m, TestNets.features(D, 29, 3, 3), TestNets.features(D, 30, 2, 3), frozen);
        }
    }
}
