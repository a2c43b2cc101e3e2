package org.ntk4j.dl4j.analytic;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.analytic.Parameterization;
import org.ntk4j.core.testing.NtkTestBase;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * {@link AnalyticKernels} on convolutional DL4J configurations: the geometry against what DL4J itself computes
 * (patches and poolings read from DL4J forward passes), 1×1 images against the dense kernel, and bad configurations.
 * The Monte-Carlo convergence is in {@link ConvolutionalMonteCarloTest}.
 */
class ConvolutionalAnalyticKernelsTest extends NtkTestBase {

    /** One geometry of a convolution: kernel, stride, padding, dilation, mode. */
    record Geometry(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, ConvolutionMode mode) {
    }

    static final List<Geometry> GEOMETRIES = List.of(
            new Geometry(3, 3, 1, 1, 0, 0, 1, 1, ConvolutionMode.Same),
            new Geometry(2, 3, 2, 1, 0, 0, 1, 1, ConvolutionMode.Same),
            new Geometry(3, 2, 2, 2, 1, 0, 1, 1, ConvolutionMode.Truncate),
            new Geometry(2, 2, 1, 2, 0, 1, 2, 1, ConvolutionMode.Truncate),
            new Geometry(3, 3, 2, 2, 0, 0, 2, 2, ConvolutionMode.Same),
            new Geometry(4, 1, 3, 1, 2, 0, 1, 1, ConvolutionMode.Truncate));

    private static ConvolutionLayer.Builder conv(Geometry g, int nOut) {
        return new ConvolutionLayer.Builder(g.kh, g.kw).stride(g.sh, g.sw).padding(g.ph, g.pw).dilation(g.dh, g.dw)
                .convolutionMode(g.mode).nOut(nOut);
    }

    /**
     * For a linear net conv → flatten → output (NORMAL init: σ² = 1 per layer, no bias), the NNGP is
     * {@code (1/P)Σ_p (1/(C kh kw)) ⟨u_p, u'_p⟩} with {@code u_p} the zero-padded patch of output pixel {@code p}. The
     * patches are read from DL4J: a convolution with {@code C·kh·kw} one-hot filters outputs exactly them.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void convolutionGeometryIsDl4jsInBothFormats(int which) {
        Geometry g = GEOMETRIES.get(which);
        int c = 2;
        int h = 7;
        int w = 6;
        for (CNN2DFormat format : CNN2DFormat.values()) {
            int taps = c * g.kh * g.kw;
            MultiLayerConfiguration probeConf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                    .layer(conv(g, taps).activation(Activation.IDENTITY).hasBias(false).dataFormat(format).build())
                    .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                    .setInputType(InputType.convolutional(h, w, c, format)).build();
            MultiLayerNetwork probe = new MultiLayerNetwork(probeConf);
            probe.init();
            INDArray filters = probe.getLayer(0).getParam("W"); // [taps, c, kh, kw]
            filters.assign(0);
            for (int t = 0; t < taps; t++) {
                filters.putScalar(new long[]{t, t / (g.kh * g.kw), (t / g.kw) % g.kh, t % g.kw}, 1.0);
            }
            INDArray x = randn(DataType.DOUBLE, 100 + which, 3, c, h, w);
            INDArray input = format == CNN2DFormat.NCHW ? x : x.permute(0, 2, 3, 1).dup();
            INDArray patches = probe.feedForward(input, false).get(1); // [n, taps, oh, ow] or [n, oh, ow, taps]
            if (format == CNN2DFormat.NHWC) {
                patches = patches.permute(0, 3, 1, 2);
            }
            long pixels = patches.size(2) * patches.size(3);
            INDArray u = patches.dup('c').reshape(3, taps * pixels);
            INDArray expected = u.mmul(u.transpose()).divi((double) pixels * taps);

            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                    .weightInit(WeightInit.NORMAL).list()
                    .layer(conv(g, 5).activation(Activation.IDENTITY).hasBias(false).dataFormat(format).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).hasBias(false)
                            .activation(Activation.IDENTITY).build())
                    .setInputType(InputType.convolutional(h, w, c, format)).build();
            AnalyticKernel k = AnalyticKernels.of(conf);
            assertTrue(k.isConvolutional());
            assertFalse(k.convolutionalKernel().fullCovariance(), "flatten without pooling: per-pixel variances");
            assertClose(expected, k.compute(input).nngp(), 1e-12, g + " " + format);
        }
    }

    /**
     * Linear net conv 1×1 (weight variance 1) → AVG pooling → flatten → output: NNGP {@code (1/P)⟨Mx, Mx'⟩} with the
     * pooled images {@code Mx} read from DL4J.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void averagePoolingGeometryIsDl4js(int which) {
        Geometry g = GEOMETRIES.get(which);
        for (boolean includePad : new boolean[]{true, false}) {
            SubsamplingLayer pool = new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(g.kh, g.kw)
                    .stride(g.sh, g.sw).padding(g.ph, g.pw).dilation(g.dh, g.dw).convolutionMode(g.mode)
                    .avgPoolIncludePadInDivisor(includePad).build();
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                    .weightInit(WeightInit.NORMAL).list()
                    .layer(new ConvolutionLayer.Builder(1, 1).nOut(1).activation(Activation.IDENTITY).hasBias(false).build())
                    .layer(pool)
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).hasBias(false)
                            .activation(Activation.IDENTITY).build())
                    .setInputType(InputType.convolutional(7, 6, 1)).build();
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            net.getLayer(0).getParam("W").assign(1.0);
            INDArray x = randn(DataType.DOUBLE, 200 + which, 3, 1, 7, 6);
            INDArray pooled = net.feedForward(x, false).get(2).dup('c');
            long pixels = pooled.size(2) * pooled.size(3);
            INDArray u = pooled.reshape(3, pixels);
            INDArray expected = u.mmul(u.transpose()).divi(pixels);
            AnalyticKernel k = AnalyticKernels.of(conf);
            assertTrue(k.convolutionalKernel().fullCovariance(), "pooling: full covariance");
            assertClose(expected, k.compute(x).nngp(), 1e-12, g + " includePad=" + includePad);
        }
    }

    private static MultiLayerConfiguration dense(int c, int width) {
        return new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER).biasInit(0.1)
                .list()
                .layer(new DenseLayer.Builder().nIn(c).nOut(width).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(width).nOut(width).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(width).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
    }

    @ParameterizedTest
    @EnumSource(Parameterization.class)
    void oneByOneImagesGiveTheDenseKernel(Parameterization p) {
        int c = 3;
        int width = 7;
        MultiLayerConfiguration conv = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER).biasInit(0.1).list()
                .layer(new ConvolutionLayer.Builder(1, 1).nOut(width).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nOut(width).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(1, 1, c)).build();
        INDArray x = randn(DataType.DOUBLE, 9, 5, c);
        // tanh through the error-controlled rule on both paths (and the expert fixed rule on both, below)
        KernelPair d = AnalyticKernels.of(dense(c, width)).withParameterization(p).compute(x);
        KernelPair k = AnalyticKernels.of(conv).withParameterization(p).compute(x.reshape(5, c, 1, 1));
        assertClose(d.nngp(), k.nngp(), 1e-12, "nngp");
        assertClose(d.ntk(), k.ntk(), 1e-12, "ntk");
        // FLOAT input: FLOAT result, same values
        KernelPair f = AnalyticKernels.of(conv).withParameterization(p).compute(x.reshape(5, c, 1, 1).castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, f.ntk().dataType());
        assertClose(d.ntk(), f.ntk(), tol(DataType.FLOAT).exact(), "ntk FLOAT");
        assertTrue(k.errorEstimate() > 0 && k.errorEstimate() <= 1e-6, "estimate " + k.errorEstimate());
        KernelPair dq = AnalyticKernels.of(dense(c, width), 25).withParameterization(p).compute(x);
        KernelPair kq = AnalyticKernels.of(conv, 25).withParameterization(p).compute(x.reshape(5, c, 1, 1));
        assertClose(dq.ntk(), kq.ntk(), 1e-12, "ntk, fixed rule");
        assertClose(d.ntk(), AnalyticKernels.of(conv).withParameterization(p).withTolerance(1e-7)
                .compute(x.reshape(5, c, 1, 1)).ntk(), 1e-7, "tighter tolerance");
    }

    private static NeuralNetConfiguration.ListBuilder cnn() {
        return new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build());
    }

    private static String message(MultiLayerConfiguration conf) {
        return assertThrows(IllegalArgumentException.class, () -> AnalyticKernels.of(conf)).getMessage();
    }

    /**
     * Activations without a closed form at DL4J's usual inits (RELU: σ² = 2, XAVIER, NORMAL: σ² = 1) on 8 × 8 × 1
     * images of i.i.d. standard normal pixels (pre-activation variances up to ≈ 4 at RELU init, and pixel covariances
     * that largely cancel in the global average, the case where pooling magnifies entry errors most), 3 SAME 3 × 3
     * convolutions, global average and flatten readouts: the default tolerance 1e-6 is met (no
     * {@link org.ntk4j.core.analytic.ToleranceNotMetException}), and for tanh the kernels agree with a run at
     * tolerance 1e-9 within the two estimates.
     */
    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"TANH", "SELU", "ELU", "GELU", "SOFTPLUS"})
    void theDefaultToleranceHoldsAtDl4jInits(Activation act) {
        INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(17).nextGaussian(new long[]{3, 1, 8, 8})
                .castTo(DataType.DOUBLE);
        for (WeightInit init : new WeightInit[]{WeightInit.RELU, WeightInit.XAVIER, WeightInit.NORMAL}) {
            for (boolean gap : new boolean[]{true, false}) {
                NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                        .weightInit(init).convolutionMode(ConvolutionMode.Same).list();
                for (int l = 0; l < 3; l++) {
                    lb.layer(new ConvolutionLayer.Builder(3, 3).nOut(16).activation(act).build());
                }
                if (gap) {
                    lb.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
                }
                MultiLayerConfiguration conf = lb.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
                                .activation(Activation.IDENTITY).build())
                        .setInputType(InputType.convolutional(8, 8, 1)).build();
                AnalyticKernel k = AnalyticKernels.of(conf);
                String what = act + " " + init + (gap ? " global average" : " flatten");
                KernelPair kp = k.compute(x);
                assertTrue(kp.errorEstimate() > 0 && kp.errorEstimate() <= 1e-6, what + ": " + kp.errorEstimate());
                if (act == Activation.TANH) {
                    KernelPair fine = k.withTolerance(1e-9).withWarnOnly(true).compute(x);
                    double bound = kp.errorEstimate() + fine.errorEstimate();
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 3; j++) {
                            double scale = Math.sqrt(fine.ntk().getDouble(i, i) * fine.ntk().getDouble(j, j));
                            assertEquals(fine.ntk().getDouble(i, j), kp.ntk().getDouble(i, j), bound * scale, what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void badConfigurationsGetOneClearLine() {
        String m = message(cnn().layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 6, 1)).build());
        assertEquals("layer 1 (SubsamplingLayer) uses MAX pooling, which has no closed-form infinite-width kernel; "
                + "estimate its kernel with MonteCarloKernels (mean empirical NTK of wide random networks), or use "
                + "PoolingType.AVG", m);
        m = message(cnn().layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 6, 1)).build());
        assertTrue(m.startsWith("layer 1 (GlobalPoolingLayer) uses MAX global pooling") && m.contains("MonteCarloKernels"), m);
        m = message(cnn().layer(new BatchNormalization.Builder().build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 6, 1)).build());
        assertEquals("layer 1 (BatchNormalization) is not supported by the analytic convolutional kernel; supported: "
                + "ConvolutionLayer, SubsamplingLayer (AVG), GlobalPoolingLayer (AVG, SUM), DenseLayer, OutputLayer, "
                + "ActivationLayer, DropoutLayer", m);
        m = message(cnn().layer(new ConvolutionLayer.Builder(2, 2).nOut(4).convolutionMode(ConvolutionMode.Strict).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(7, 7, 1)).build());
        assertTrue(m.contains("ConvolutionMode.Strict"), m);
        m = message(cnn().layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1)).build());
        assertTrue(m.startsWith("input preprocessor FeedForwardToCnnPreProcessor at layer 0"), m);
    }

    @Test
    void imagesOfTheWrongShapeGetOneClearLine() {
        AnalyticKernel k = AnalyticKernels.of(cnn().layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 5, 1)).build());
        assertEquals(2, k.compute(Nd4j.rand(DataType.DOUBLE, 2, 1, 6, 5)).ntk().size(1));
        String m = assertThrows(IllegalArgumentException.class,
                () -> k.compute(Nd4j.rand(DataType.DOUBLE, 2, 1, 5, 6))).getMessage();
        assertEquals("images of 5x6 reach the flattening preprocessor as [4, 5, 6] but the configuration flattens "
                + "[4, 6, 5] (C, H, W); give images of the size the configuration was built for (its setInputType)", m);
        m = assertThrows(IllegalArgumentException.class,
                () -> k.compute(Nd4j.rand(DataType.DOUBLE, 2, 3, 6, 5))).getMessage();
        assertEquals("expected x1 of shape [n, 1, H, W], got [2, 3, 6, 5]", m);
        m = assertThrows(IllegalArgumentException.class, () -> k.compute(Nd4j.rand(DataType.DOUBLE, 2, 30))).getMessage();
        assertEquals("expected x1 of shape [n, 1, H, W], got [2, 30]", m);
        assertThrows(IllegalStateException.class, k::layers);
        // a global readout takes any image size
        AnalyticKernel g = AnalyticKernels.of(cnn().layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 5, 1)).build());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 1, 4, 3);
        INDArray row = g.compute(x).ntk();
        assertEquals(2, row.size(0));
        assertClose(row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(1, 2)),
                g.compute(x.get(NDArrayIndex.interval(0, 1)), x.get(NDArrayIndex.interval(1, 2))).ntk(), 1e-14, "x1 != x2");
    }
}
