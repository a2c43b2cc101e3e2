package org.ntk4j.dl4j;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CapsuleLayer;
import org.deeplearning4j.nn.conf.layers.CapsuleStrengthLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1D;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.GravesBidirectionalLSTM;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.LocallyConnected1D;
import org.deeplearning4j.nn.conf.layers.LocallyConnected2D;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.Pooling1D;
import org.deeplearning4j.nn.conf.layers.Pooling2D;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.PrimaryCapsules;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SpaceToDepthLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling1D;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.Upsampling3D;
import org.deeplearning4j.nn.conf.layers.ZeroPadding1DLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPadding3DLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping1D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping3D;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.util.MaskLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;

import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.D;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.avgPool;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.checkBoth;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.out;
import static org.ntk4j.dl4j.AnyNetworkFiniteDifferenceTest.seq;

/**
 * One small network per remaining DL4J layer class, each checked against finite differences like
 * {@link AnyNetworkFiniteDifferenceTest} (MLN and CG, AUTO and JACOBIAN, FULL and TRACE, tiled and untiled).
 * {@link LayerCoverageTest} maps every layer class on the class path to the test that covers it.
 */
class LayerZooFiniteDifferenceTest extends NtkTestBase {
    private static final Activation T = Activation.TANH;

    private static org.nd4j.linalg.api.ndarray.INDArray img(long seed, long... shape) {
        return TestNets.features(D, seed, shape);
    }

    @Test
    void convolution1DSubsampling1DZeroPadding1DCropping1DUpsampling1D() {
        checkBoth(AnyNets.both(D, 71, InputType.recurrent(2, 6),
                        new Convolution1DLayer.Builder().kernelSize(2).nOut(2).activation(T).build(),
                        new ZeroPadding1DLayer.Builder(1, 0).build(),
                        new Subsampling1DLayer.Builder(PoolingType.MAX).kernelSize(2).stride(1).build(),
                        new Cropping1D.Builder(1, 0).build(),
                        new Upsampling1D.Builder(2).build(),
                        new Convolution1D.Builder().kernelSize(2).nOut(2).activation(Activation.SIGMOID).build(),
                        new Pooling1D.Builder(PoolingType.AVG).kernelSize(2).stride(1).build(),
                        avgPool(), out(2)),
                seq(1, 3, 2, 6), seq(2, 2, 2, 6));
    }

    @Test
    void convolution2DFamilyPaddingCroppingUpsamplingSpaceToDepth() {
        checkBoth(AnyNets.both(D, 72, InputType.convolutional(4, 4, 1),
                        new Convolution2D.Builder(2, 2).nOut(2).activation(T).convolutionMode(ConvolutionMode.Same).build(),
                        new ZeroPaddingLayer.Builder(1, 1).build(),
                        new Cropping2D.Builder(1, 1).build(),
                        new DepthwiseConvolution2D.Builder(2, 2).depthMultiplier(1).activation(T)
                                .convolutionMode(ConvolutionMode.Same).build(),
                        new SeparableConvolution2D.Builder(2, 2).nOut(2).activation(Activation.SOFTSIGN)
                                .convolutionMode(ConvolutionMode.Same).build(),
                        new Deconvolution2D.Builder(2, 2).stride(1, 1).nOut(2).activation(T).build(),
                        new Pooling2D.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
                        new Upsampling2D.Builder(2).build(),
                        new SpaceToDepthLayer.Builder(2).build(),
                        new LocalResponseNormalization.Builder().n(3).build(),
                        new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), out(2)),
                img(3, 3, 1, 4, 4), img(4, 2, 1, 4, 4));
    }

    @Test
    void convolution3DFamily() {
        checkBoth(AnyNets.both(D, 73, InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 3, 3, 3, 1),
                        new Convolution3D.Builder().kernelSize(2, 2, 2).nOut(2).activation(T).build(),
                        new ZeroPadding3DLayer.Builder(1, 0, 0).build(),
                        new Cropping3D.Builder(1, 0, 0).build(),
                        new Upsampling3D.Builder(1).build(),
                        new Deconvolution3D.Builder().kernelSize(1, 1, 1).nOut(2).activation(T).build(),
                        new Subsampling3DLayer.Builder(PoolingType.MAX).kernelSize(2, 2, 2).stride(1, 1, 1).build(),
                        new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), out(2)),
                img(5, 3, 1, 3, 3, 3), img(6, 2, 1, 3, 3, 3));
    }

    @Test
    void locallyConnectedPReLUElementWiseMultiplication() {
        checkBoth(AnyNets.both(D, 74, InputType.convolutional(4, 4, 1),
                        new LocallyConnected2D.Builder().kernelSize(2, 2).nOut(2).activation(T).setInputSize(4, 4).build(),
                        new GlobalPoolingLayer.Builder(PoolingType.MAX).build(),
                        new PReLULayer.Builder().inputShape(2).build(),
                        new ElementWiseMultiplicationLayer.Builder().nOut(2).activation(Activation.SIGMOID).build(),
                        out(2)),
                img(7, 3, 1, 4, 4), img(8, 2, 1, 4, 4));
        checkBoth(AnyNets.both(D, 75, InputType.recurrent(2, 4),
                        new LocallyConnected1D.Builder().kernelSize(2).nOut(2).activation(T).setInputSize(4).build(),
                        avgPool(), out(2)),
                seq(9, 3, 2, 4), seq(10, 2, 2, 4));
    }

    @Test
    void gravesLstmsRepeatVectorMaskLayerEmbeddingSequence() {
        checkBoth(AnyNets.both(D, 76, InputType.recurrent(2, 3),
                        new GravesLSTM.Builder().nOut(2).activation(T).build(),
                        new GravesBidirectionalLSTM.Builder().nOut(2).activation(T).build(),
                        new MaskLayer(),
                        new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build()),
                seq(11, 3, 2, 3), seq(12, 2, 2, 3));
        checkBoth(AnyNets.both(D, 77, InputType.feedForward(2),
                        new DenseLayer.Builder().nOut(2).activation(T).build(),
                        new RepeatVector.Builder(3).build(),
                        new LSTM.Builder().nOut(2).activation(T).build(),
                        avgPool(), out(1)),
                TestNets.features(D, 13, 3, 2), TestNets.features(D, 14, 2, 2));
        checkBoth(AnyNets.both(D, 78, null,
                        new EmbeddingSequenceLayer.Builder().nIn(5).nOut(2).inputLength(4).build(),
                        avgPool(), new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                .nIn(2).nOut(2).activation(Activation.IDENTITY).build()),
                TestNets.indices(D, 15, 3, 5).repeat(1, 4).reshape(3, 1, 4), TestNets.indices(D, 16, 2, 5).repeat(1, 4).reshape(2, 1, 4));
    }

    @Test
    void capsules() {
        checkBoth(AnyNets.both(D, 79, InputType.convolutional(4, 4, 1),
                        new PrimaryCapsules.Builder(2, 2).kernelSize(2, 2).stride(2, 2).build(),
                        new CapsuleLayer.Builder(2, 2, 2).build(),
                        new CapsuleStrengthLayer.Builder().build(),
                        out(2)),
                img(17, 3, 1, 4, 4), img(18, 2, 1, 4, 4));
    }
}
