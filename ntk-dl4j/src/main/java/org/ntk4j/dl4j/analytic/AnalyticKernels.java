package org.ntk4j.dl4j.analytic;

import org.ntk4j.dl4j.internal.Checks;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.IActivation;
import org.ntk4j.core.analytic.DenseLayerSpec;
import org.ntk4j.core.analytic.FullyConnectedKernel;
import org.ntk4j.core.analytic.Nonlinearity;
import org.ntk4j.dl4j.analytic.internal.ConvStackMapper;
import org.ntk4j.dl4j.analytic.internal.Dl4jNonlinearities;
import org.ntk4j.dl4j.analytic.internal.WeightInitVariances;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the infinite-width kernels of a DL4J {@link MultiLayerConfiguration} as DL4J initialises it.
 *
 * <p>Read from the configuration: {@code nIn}/{@code nOut} of every layer (the widths), the activation of every
 * layer, the weight initialisation (its per-entry variance as a function of fan-in and fan-out, see
 * {@link WeightInitVariances}), {@code biasInit} (the bias mean; DL4J's biases are constants, so they have no
 * variance) and {@code hasBias}. Supported layers: {@code DenseLayer} (without layer normalisation),
 * {@code OutputLayer} (any loss; it is the kernel of its pre-activation), {@code ActivationLayer} (composed with the
 * preceding layer's activation) and {@code DropoutLayer} (the identity at inference). Anything else in a fully connected stack — convolutions after dense layers,
 * recurrent, batch normalisation, input preprocessors, frozen layers — is refused with a message naming the layer.
 *
 * <p>Configurations that start with a {@code ConvolutionLayer} or {@code SubsamplingLayer} get the infinite-width
 * convolutional kernel (see {@link ConvStackMapper} for what is read and supported, and
 * {@link org.ntk4j.core.analytic.ConvolutionalKernel} for the recursion); MAX pooling is refused by name (estimate it
 * with {@link MonteCarloKernels}).
 *
 * <pre>{@code
 * MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().weightInit(WeightInit.RELU).list()
 *         .layer(new DenseLayer.Builder().nIn(2).nOut(512).activation(Activation.RELU).build())
 *         .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(512).nOut(1)
 *                 .activation(Activation.IDENTITY).build())
 *         .build();
 * KernelPair kp = AnalyticKernels.of(conf).compute(x);    // kp.ntk(): the limit of the TRACE empirical NTK
 * }</pre>
 */
public final class AnalyticKernels {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticKernels.class);

    private AnalyticKernels() {
    }

    /** What one kind of layer adds to the stack being built. */
    @FunctionalInterface
    private interface LayerRule {
        void apply(Layer layer, String where, Stack stack);
    }

    private static final Map<Class<? extends Layer>, LayerRule> RULES = new LinkedHashMap<>();

    static {
        RULES.put(DenseLayer.class, (layer, where, stack) -> {
            DenseLayer d = (DenseLayer) layer;
            if (d.hasLayerNorm()) {
                throw new IllegalArgumentException(where + " uses layer normalisation (hasLayerNorm=true), which the "
                        + "analytic kernel does not support; build the DenseLayer with .hasLayerNorm(false)");
            }
            stack.dense(d, d.hasBias(), where);
        });
        RULES.put(OutputLayer.class, (layer, where, stack) -> {
            OutputLayer o = (OutputLayer) layer;
            stack.dense(o, o.hasBias(), where);
        });
        RULES.put(ActivationLayer.class, (layer, where, stack) ->
                stack.activation(((ActivationLayer) layer).getActivationFn(), where));
        RULES.put(DropoutLayer.class, (layer, where, stack) -> {
            // inference: dropout is the identity
        });
    }

    private static final String SUPPORTED_LAYERS = "DenseLayer, OutputLayer, ActivationLayer, DropoutLayer";

    /**
     * @param conf a configuration of fully connected layers
     * @return its infinite-width kernels in DL4J's standard parameterization, error-controlled to the default
     *         tolerance {@value FullyConnectedKernel#DEFAULT_TOLERANCE} (change it with
     *         {@link AnalyticKernel#withTolerance})
     * @throws IllegalArgumentException naming the first unsupported layer, activation or initialisation
     */
    public static AnalyticKernel of(MultiLayerConfiguration conf) {
        return of(conf, -1);
    }

    /**
     * For experts: the fixed Gauss–Hermite rule, without error control.
     *
     * @param conf             a configuration of fully connected layers
     * @param quadratureDegree Gauss–Hermite nodes per dimension for activations without closed form; a negative
     *                         value selects the default error-controlled rule
     * @return its infinite-width kernels in DL4J's standard parameterization
     */
    public static AnalyticKernel of(MultiLayerConfiguration conf, int quadratureDegree) {
        Checks.notNull("conf", conf);
        if (ConvStackMapper.isConvolutional(conf)) {
            return new AnalyticKernel(ConvStackMapper.map(conf, quadratureDegree));
        }
        if (conf.getInputPreProcessors() != null && !conf.getInputPreProcessors().isEmpty()) {
            throw new IllegalArgumentException("input preprocessors at layers " + conf.getInputPreProcessors().keySet()
                    + " are not supported by the analytic kernel: it needs a plain stack of " + SUPPORTED_LAYERS
                    + " on [n, nIn] features");
        }
        List<NeuralNetConfiguration> confs = conf.getConfs();
        if (confs == null || confs.isEmpty()) {
            throw new IllegalArgumentException("the configuration has no layers");
        }
        Stack stack = new Stack();
        for (int i = 0; i < confs.size(); i++) {
            Layer layer = confs.get(i).getLayer();
            String where = "layer " + i + " (" + (layer == null ? "null" : layer.getClass().getSimpleName()) + ")";
            LayerRule rule = layer == null ? null : RULES.get(layer.getClass());
            if (rule == null) {
                throw new IllegalArgumentException(where + " is not supported by the analytic kernel; supported: "
                        + SUPPORTED_LAYERS + " (fully connected stacks only)");
            }
            rule.apply(layer, where, stack);
        }
        AnalyticKernel k = stack.build(quadratureDegree);
        if (k.isPreActivation()) {
            LOG.info("analytic kernel of the output pre-activation: the output activation {} is not included", k
                    .outputActivation());
        }
        return k;
    }

    /** Layers being collected, with their (possibly composed) activations. */
    private static final class Stack {
        private final List<Pending> layers = new ArrayList<>();

        void dense(FeedForwardLayer l, boolean hasBias, String where) {
            if (l.getNIn() <= 0 || l.getNOut() <= 0) {
                throw new IllegalArgumentException(where + " has nIn=" + l.getNIn() + ", nOut=" + l.getNOut()
                        + "; set both (or call setInputType on the list builder)");
            }
            if (!layers.isEmpty() && layers.get(layers.size() - 1).nOut != l.getNIn()) {
                throw new IllegalArgumentException(where + " has nIn=" + l.getNIn() + " but the previous layer has nOut="
                        + layers.get(layers.size() - 1).nOut);
            }
            if (l.getNIn() > Integer.MAX_VALUE || l.getNOut() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + " is wider than " + Integer.MAX_VALUE + " units");
            }
            BaseLayer b = l;
            double v = WeightInitVariances.of(b.getWeightInitFn(), where).variance(l.getNIn(), l.getNOut());
            double bias = hasBias ? b.getBiasInit() : 0.0;
            if (Double.isNaN(bias)) {
                bias = 0.0;
            }
            layers.add(new Pending(where, (int) l.getNIn(), (int) l.getNOut(), v * l.getNIn(), bias, hasBias,
                    new ArrayList<>(List.of(b.getActivationFn()))));
        }

        void activation(IActivation a, String where) {
            if (layers.isEmpty()) {
                throw new IllegalArgumentException(where + " comes before any DenseLayer; the analytic kernel needs the "
                        + "first layer to be a DenseLayer");
            }
            layers.get(layers.size() - 1).activations.add(a);
        }

        AnalyticKernel build(int degree) {
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("the configuration has no DenseLayer or OutputLayer");
            }
            FullyConnectedKernel.Builder b = FullyConnectedKernel.builder(layers.get(0).nIn);
            if (degree >= 0) {
                b.quadratureDegree(degree);
            }
            for (int i = 0; i < layers.size(); i++) {
                Pending p = layers.get(i);
                boolean last = i == layers.size() - 1;
                Nonlinearity phi = org.ntk4j.core.analytic.Nonlinearities.identity();
                if (!last) {
                    for (IActivation a : p.activations) {
                        phi = Dl4jNonlinearities.compose(Dl4jNonlinearities.of(a, p.where), phi);
                    }
                }
                b.layer(DenseLayerSpec.builder(p.nOut).weightVariance(p.weightVariance).biasMean(p.bias)
                        .bias(p.hasBias).activation(phi).build());
            }
            Pending out = layers.get(layers.size() - 1);
            List<String> names = new ArrayList<>();
            boolean identity = true;
            for (IActivation a : out.activations) {
                if (a != null && !(a instanceof org.nd4j.linalg.activations.impl.ActivationIdentity)) {
                    identity = false;
                    names.add(a.toString());
                }
            }
            String name = identity ? "identity" : String.join("∘", names);
            return new AnalyticKernel(b.build(), name, !identity, out.nOut);
        }
    }

    private record Pending(String where, int nIn, int nOut, double weightVariance, double bias, boolean hasBias,
                           List<IActivation> activations) {
    }
}
