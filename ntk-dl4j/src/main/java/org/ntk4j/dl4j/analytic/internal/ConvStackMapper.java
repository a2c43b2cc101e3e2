package org.ntk4j.dl4j.analytic.internal;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.ntk4j.core.analytic.AvgPoolSpec;
import org.ntk4j.core.analytic.ConvLayerSpec;
import org.ntk4j.core.analytic.ConvolutionalKernel;
import org.ntk4j.core.analytic.DenseLayerSpec;
import org.ntk4j.core.analytic.Nonlinearities;
import org.ntk4j.core.analytic.Nonlinearity;
import org.ntk4j.core.analytic.Readout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a DL4J {@code MultiLayerConfiguration} that starts with a {@code ConvolutionLayer} or {@code SubsamplingLayer}
 * to a {@link ConvolutionalKernel}, as DL4J initialises and computes it:
 * <ul>
 *   <li>{@code ConvolutionLayer} (2-D, {@code ConvolutionMode.Same} or {@code Truncate}, any kernel, stride, padding,
 *       dilation, NCHW or NHWC): weight variance from DL4J's weight init with {@code fanIn = nIn·kh·kw},
 *       {@code fanOut = nOut·kh·kw/(sh·sw)} (ConvolutionParamInitializer), bias mean {@code biasInit}, zero padding;</li>
 *   <li>{@code SubsamplingLayer} AVG ({@code avgPoolIncludePadInDivisor} honoured); MAX, PNORM and SUM refused;</li>
 *   <li>{@code GlobalPoolingLayer} AVG or SUM over the spatial dimensions (readout {@code GLOBAL_AVERAGE/SUM});</li>
 *   <li>{@code CnnToFeedForwardPreProcessor} into a {@code DenseLayer} or {@code OutputLayer} (readout {@code FLATTEN},
 *       dense fan-in {@code nIn = C·H·W}; the flattening order does not change the kernel);</li>
 *   <li>{@code DenseLayer}, {@code OutputLayer}, {@code ActivationLayer} (composed with the preceding convolution or
 *       dense layer), {@code DropoutLayer} (identity at inference).</li>
 * </ul>
 */
public final class ConvStackMapper {
    private ConvStackMapper() {
    }

    /**
     * The mapped kernel with what the DL4J side must check and report.
     *
     * @param kernel           the ntk-core kernel
     * @param flattenShape     {@code [C, H, W]} that the flattening preprocessor expects, or null (global readout)
     * @param outputActivation the output activation left out, {@code "identity"} when none
     * @param preActivation    whether that activation is not the identity
     * @param outputs          {@code nOut} of the last layer
     */
    public record Mapping(ConvolutionalKernel kernel, long[] flattenShape, String outputActivation,
                          boolean preActivation, long outputs) {
    }

    /** @return whether the configuration's first layer is spatial, so that {@link #map} applies */
    public static boolean isConvolutional(MultiLayerConfiguration conf) {
        if (conf.getConfs() == null || conf.getConfs().isEmpty()) {
            return false;
        }
        Layer first = conf.getConf(0).getLayer();
        return first instanceof ConvolutionLayer || first instanceof SubsamplingLayer
                || first instanceof GlobalPoolingLayer;
    }

    @FunctionalInterface
    private interface Rule {
        void apply(Layer layer, String where, Walk walk);
    }

    private static final Map<Class<? extends Layer>, Rule> RULES = new LinkedHashMap<>();

    static {
        RULES.put(ConvolutionLayer.class, (l, where, w) -> w.conv((ConvolutionLayer) l, where));
        RULES.put(SubsamplingLayer.class, (l, where, w) -> w.pool((SubsamplingLayer) l, where));
        RULES.put(GlobalPoolingLayer.class, (l, where, w) -> w.global((GlobalPoolingLayer) l, where));
        RULES.put(DenseLayer.class, (l, where, w) -> {
            if (((DenseLayer) l).hasLayerNorm()) {
                throw new IllegalArgumentException(where + " uses layer normalisation (hasLayerNorm=true), which the "
                        + "analytic kernel does not support; build the DenseLayer with .hasLayerNorm(false)");
            }
            w.dense((DenseLayer) l, ((DenseLayer) l).hasBias(), where);
        });
        RULES.put(OutputLayer.class, (l, where, w) -> w.dense((OutputLayer) l, ((OutputLayer) l).hasBias(), where));
        RULES.put(ActivationLayer.class, (l, where, w) -> w.activation(((ActivationLayer) l).getActivationFn(), where));
        RULES.put(DropoutLayer.class, (l, where, w) -> {
        });
    }

    private static final String SUPPORTED = "ConvolutionLayer, SubsamplingLayer (AVG), GlobalPoolingLayer (AVG, SUM), "
            + "DenseLayer, OutputLayer, ActivationLayer, DropoutLayer";

    /**
     * @param conf             a convolutional configuration
     * @param quadratureDegree fixed Gauss–Hermite nodes per dimension (experts), or a negative value for the default
     *                         error-controlled rule
     * @return the mapping
     * @throws IllegalArgumentException naming the first unsupported layer, setting or preprocessor
     */
    public static Mapping map(MultiLayerConfiguration conf, int quadratureDegree) {
        Walk w = new Walk();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            String where = "layer " + i + " (" + (layer == null ? "null" : layer.getClass().getSimpleName()) + ")";
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null) {
                w.preprocessor(pre, i, where);
            }
            Rule rule = layer == null ? null : RULES.get(layer.getClass());
            if (rule == null) {
                throw new IllegalArgumentException(where + " is not supported by the analytic convolutional kernel; "
                        + "supported: " + SUPPORTED);
            }
            rule.apply(layer, where, w);
        }
        return w.build(quadratureDegree);
    }

    /** State of the walk over the layers. */
    private static final class Walk {
        private final List<java.util.function.Consumer<ConvolutionalKernel.Builder>> stages = new ArrayList<>();
        private final List<PendingConv> convs = new ArrayList<>();
        private final List<PendingDense> dense = new ArrayList<>();
        private Readout readout;
        private long[] flattenShape;
        private CNN2DFormat format;
        private long inputChannels = -1;
        private long channels = -1;
        /** The linear layer an ActivationLayer composes with, or null right after a pooling or readout. */
        private List<IActivation> openActivations;

        void preprocessor(InputPreProcessor pre, int i, String where) {
            if (!(pre instanceof CnnToFeedForwardPreProcessor p) || readout != null || stages.isEmpty()) {
                throw new IllegalArgumentException("input preprocessor " + pre.getClass().getSimpleName() + " at "
                        + where + " is not supported by the analytic convolutional kernel; supported: "
                        + "CnnToFeedForwardPreProcessor between the last convolution or pooling and a DenseLayer (give "
                        + "images [n, C, H, W] or [n, H, W, C] rather than flat rows)");
            }
            readout = Readout.FLATTEN;
            flattenShape = new long[]{p.getNumChannels(), p.getInputHeight(), p.getInputWidth()};
            openActivations = null;
        }

        private void spatial(String where, CNN2DFormat f, ConvolutionMode mode) {
            if (readout != null) {
                throw new IllegalArgumentException(where + " comes after the readout (flatten or global pooling); "
                        + "the analytic kernel needs all convolutions and poolings first");
            }
            if (format != null && f != format) {
                throw new IllegalArgumentException(where + " uses data format " + f + " but earlier layers use " + format
                        + "; use one CNN2DFormat for every layer");
            }
            format = f;
            if (mode != ConvolutionMode.Same && mode != ConvolutionMode.Truncate) {
                throw new IllegalArgumentException(where + " uses ConvolutionMode." + mode + ", which the analytic kernel "
                        + "does not support; use ConvolutionMode.Same or ConvolutionMode.Truncate");
            }
        }

        void conv(ConvolutionLayer c, String where) {
            spatial(where, c.getCnn2dDataFormat(), c.getConvolutionMode());
            if (c.getNIn() <= 0 || c.getNOut() <= 0) {
                throw new IllegalArgumentException(where + " has nIn=" + c.getNIn() + ", nOut=" + c.getNOut()
                        + "; set both (or call setInputType on the list builder)");
            }
            if (channels > 0 && c.getNIn() != channels) {
                throw new IllegalArgumentException(where + " has nIn=" + c.getNIn() + " but its input has " + channels
                        + " channels");
            }
            if (inputChannels < 0) {
                inputChannels = c.getNIn();
            }
            int[] k = c.getKernelSize();
            int[] s = c.getStride();
            double fanIn = (double) c.getNIn() * k[0] * k[1];
            double fanOut = (double) c.getNOut() * k[0] * k[1] / ((double) s[0] * s[1]);
            double v = WeightInitVariances.of(c.getWeightInitFn(), where).variance(fanIn, fanOut);
            double bias = c.hasBias() ? c.getBiasInit() : 0.0;
            PendingConv p = new PendingConv(c, where, v * fanIn, Double.isNaN(bias) ? 0.0 : bias,
                    new ArrayList<>(List.of(c.getActivationFn())));
            convs.add(p);
            stages.add(b -> b.conv(p.spec()));
            channels = c.getNOut();
            openActivations = p.activations;
        }

        void pool(SubsamplingLayer s, String where) {
            spatial(where, s.getCnn2dDataFormat(), s.getConvolutionMode());
            String type = String.valueOf(s.getPoolingType());
            if (!type.equals("AVG")) {
                throw new IllegalArgumentException(where + " uses " + type + " pooling, which has no closed-form "
                        + "infinite-width kernel; estimate its kernel with MonteCarloKernels (mean empirical NTK of wide "
                        + "random networks), or use PoolingType.AVG");
            }
            int[] k = s.getKernelSize();
            int[] st = s.getStride();
            int[] pad = s.getPadding();
            int[] d = s.getDilation();
            AvgPoolSpec spec = new AvgPoolSpec(k[0], k[1], st[0], st[1], d[0], d[1],
                    s.getConvolutionMode() == ConvolutionMode.Same, pad[0], pad[1], s.isAvgPoolIncludePadInDivisor());
            stages.add(b -> b.avgPool(spec));
            openActivations = null;
        }

        void global(GlobalPoolingLayer g, String where) {
            if (readout != null) {
                throw new IllegalArgumentException(where + " comes after the readout; use one global pooling after "
                        + "the last convolution");
            }
            String type = String.valueOf(g.getPoolingType());
            if (!type.equals("AVG") && !type.equals("SUM")) {
                throw new IllegalArgumentException(where + " uses " + type + " global pooling, which has no closed-form "
                        + "infinite-width kernel; estimate its kernel with MonteCarloKernels (mean empirical NTK of wide "
                        + "random networks), or use PoolingType.AVG or SUM");
            }
            CNN2DFormat f = format == null ? CNN2DFormat.NCHW : format;
            int[] spatial = f == CNN2DFormat.NCHW ? new int[]{2, 3} : new int[]{1, 2};
            int[] dims = g.getPoolingDimensions() == null ? new int[]{2, 3} : g.getPoolingDimensions().clone();
            Arrays.sort(dims);
            if (!Arrays.equals(dims, spatial)) {
                throw new IllegalArgumentException(where + " pools over dimensions " + Arrays.toString(dims) + " but the "
                        + f + " images have their pixels in " + Arrays.toString(spatial) + "; set poolingDimensions"
                        + Arrays.toString(spatial).replace('[', '(').replace(']', ')') + " or build the list with "
                        + ".setInputType(InputType.convolutional(h, w, c, format))");
            }
            if (!g.isCollapseDimensions()) {
                throw new IllegalArgumentException(where + " has collapseDimensions=false; use the default (true)");
            }
            readout = type.equals("AVG") ? Readout.GLOBAL_AVERAGE : Readout.GLOBAL_SUM;
            openActivations = null;
        }

        void dense(FeedForwardLayer l, boolean hasBias, String where) {
            if (readout == null) {
                throw new IllegalArgumentException(where + " follows a convolution without a flattening preprocessor or "
                        + "global pooling; build the list with .setInputType(InputType.convolutional(h, w, c)) or add a "
                        + "GlobalPoolingLayer");
            }
            if (l.getNIn() <= 0 || l.getNOut() <= 0) {
                throw new IllegalArgumentException(where + " has nIn=" + l.getNIn() + ", nOut=" + l.getNOut()
                        + "; set both (or call setInputType on the list builder)");
            }
            long expected = !dense.isEmpty() ? dense.get(dense.size() - 1).layer.getNOut()
                    : readout == Readout.FLATTEN ? flattenShape[0] * flattenShape[1] * flattenShape[2] : channels;
            if (l.getNIn() != expected) {
                throw new IllegalArgumentException(where + " has nIn=" + l.getNIn() + " but its input has " + expected
                        + " features");
            }
            if (readout == Readout.FLATTEN && dense.isEmpty() && flattenShape[0] != channels) {
                throw new IllegalArgumentException("the flattening preprocessor before " + where + " expects "
                        + flattenShape[0] + " channels but the last convolution has " + channels);
            }
            double v = WeightInitVariances.of(l.getWeightInitFn(), where).variance(l.getNIn(), l.getNOut());
            double bias = hasBias ? l.getBiasInit() : 0.0;
            PendingDense p = new PendingDense(l, where, hasBias, v * l.getNIn(), Double.isNaN(bias) ? 0.0 : bias,
                    new ArrayList<>(List.of(l.getActivationFn())));
            dense.add(p);
            openActivations = p.activations;
        }

        void activation(IActivation a, String where) {
            if (openActivations == null) {
                throw new IllegalArgumentException(where + " does not directly follow a ConvolutionLayer or DenseLayer "
                        + "(an activation after a pooling or readout has no Gaussian limit here); move it before the "
                        + "pooling or set it as the previous layer's activation");
            }
            openActivations.add(a);
        }

        Mapping build(int degree) {
            if (convs.isEmpty()) {
                throw new IllegalArgumentException("the configuration has no ConvolutionLayer before its readout");
            }
            if (dense.isEmpty()) {
                throw new IllegalArgumentException("the configuration must end with a DenseLayer or OutputLayer after "
                        + "its flatten or global pooling (got: none)");
            }
            if (inputChannels > Integer.MAX_VALUE || channels > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("too many channels (got: " + channels + ")");
            }
            ConvolutionalKernel.Builder b = ConvolutionalKernel.builder((int) inputChannels)
                    .channelsLast(format == CNN2DFormat.NHWC).readout(readout);
            if (degree >= 0) {
                b.quadratureDegree(degree);
            }
            stages.forEach(s -> s.accept(b));
            for (int i = 0; i < dense.size(); i++) {
                PendingDense p = dense.get(i);
                boolean last = i == dense.size() - 1;
                b.dense(DenseLayerSpec.builder((int) p.layer.getNOut()).weightVariance(p.weightVariance)
                        .biasMean(p.bias).bias(p.hasBias).activation(last ? Nonlinearities.identity()
                                : composed(p.activations, p.where)).build());
            }
            PendingDense out = dense.get(dense.size() - 1);
            List<String> names = new ArrayList<>();
            for (IActivation a : out.activations) {
                if (a != null && !(a instanceof ActivationIdentity)) {
                    names.add(a.toString());
                }
            }
            String name = names.isEmpty() ? "identity" : String.join("∘", names);
            return new Mapping(b.build(), flattenShape, name, !names.isEmpty(), out.layer.getNOut());
        }
    }

    static Nonlinearity composed(List<IActivation> activations, String where) {
        Nonlinearity phi = Nonlinearities.identity();
        for (IActivation a : activations) {
            phi = Dl4jNonlinearities.compose(Dl4jNonlinearities.of(a, where), phi);
        }
        return phi;
    }

    private record PendingConv(ConvolutionLayer layer, String where, double weightVariance, double bias,
                               List<IActivation> activations) {
        ConvLayerSpec spec() {
            ConvolutionLayer c = layer;
            int[] k = c.getKernelSize();
            ConvLayerSpec.Builder b = ConvLayerSpec.builder((int) c.getNOut(), k[0], k[1])
                    .stride(c.getStride()[0], c.getStride()[1]).dilation(c.getDilation()[0], c.getDilation()[1])
                    .weightVariance(weightVariance).biasMean(bias).bias(c.hasBias())
                    .activation(composed(activations, where));
            if (c.getConvolutionMode() == ConvolutionMode.Same) {
                b.samePadding();
            } else {
                b.padding(c.getPadding()[0], c.getPadding()[1]);
            }
            return b.build();
        }
    }

    private record PendingDense(FeedForwardLayer layer, String where, boolean hasBias, double weightVariance,
                                double bias, List<IActivation> activations) {
    }
}
