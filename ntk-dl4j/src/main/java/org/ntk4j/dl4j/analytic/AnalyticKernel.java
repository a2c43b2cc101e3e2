package org.ntk4j.dl4j.analytic;

import org.ntk4j.dl4j.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.analytic.ConvolutionalKernel;
import org.ntk4j.core.analytic.DenseLayerSpec;
import org.ntk4j.core.analytic.FullyConnectedKernel;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.analytic.Parameterization;
import org.ntk4j.dl4j.analytic.internal.ConvStackMapper;

import java.util.List;

/**
 * The infinite-width NNGP kernel and NTK of a DL4J {@code MultiLayerConfiguration}, built by
 * {@link AnalyticKernels#of}. Immutable and thread-safe.
 *
 * <p>The kernels are those of the <b>output pre-activation</b> {@code z_L = h_{L−1} W_L + b_L} of the last layer, one
 * output unit (all units have the same limit; between different units the NTK and NNGP vanish). When the output layer
 * has an identity activation this is the limit of the TRACE empirical NTK of {@code net.output(x)}; with a softmax or
 * sigmoid output it is <em>not</em> the kernel of the probabilities: {@link #isPreActivation()} says so and
 * {@link #outputActivation()} names the activation that was left out.
 *
 * <p>In DL4J's standard parameterization the NTK grows with the hidden widths (see
 * {@link FullyConnectedKernel}): it is the limit, relative to its size, of the empirical NTK of networks with exactly
 * these widths, not a width-free kernel.
 *
 * <p>A configuration that starts with a {@code ConvolutionLayer} or {@code SubsamplingLayer} gives a
 * {@linkplain #isConvolutional() convolutional} kernel ({@link ConvolutionalKernel}): it takes images
 * {@code [n, C, H, W]} (or {@code [n, H, W, C]} for NHWC layers), and {@link #kernel()}, {@link #layers()} and
 * {@link #inputDim()}, which describe fully connected stacks, throw; use {@link #convolutionalKernel()}.
 */
public final class AnalyticKernel {
    private final FullyConnectedKernel kernel;
    private final String outputActivation;
    private final boolean preActivation;
    private final long outputs;
    private final ConvolutionalKernel conv;
    private final long[] flattenShape;

    AnalyticKernel(FullyConnectedKernel kernel, String outputActivation, boolean preActivation, long outputs) {
        this.kernel = Checks.notNull("kernel", kernel);
        this.outputActivation = outputActivation;
        this.preActivation = preActivation;
        this.outputs = outputs;
        this.conv = null;
        this.flattenShape = null;
    }

    AnalyticKernel(ConvStackMapper.Mapping m) {
        this.kernel = null;
        this.conv = Checks.notNull("kernel", m.kernel());
        this.flattenShape = m.flattenShape();
        this.outputActivation = m.outputActivation();
        this.preActivation = m.preActivation();
        this.outputs = m.outputs();
    }

    private AnalyticKernel(AnalyticKernel like, ConvolutionalKernel conv) {
        this.kernel = null;
        this.conv = conv;
        this.flattenShape = like.flattenShape;
        this.outputActivation = like.outputActivation;
        this.preActivation = like.preActivation;
        this.outputs = like.outputs;
    }

    /** @return whether this is the kernel of a convolutional configuration (inputs are images) */
    public boolean isConvolutional() {
        return conv != null;
    }

    /**
     * @return the ntk-core convolutional kernel that does the work
     * @throws IllegalStateException for a fully connected configuration (use {@link #kernel()})
     */
    public ConvolutionalKernel convolutionalKernel() {
        if (conv == null) {
            throw new IllegalStateException("this is the kernel of a fully connected configuration; use kernel()");
        }
        return conv;
    }

    private FullyConnectedKernel dense() {
        if (kernel == null) {
            throw new IllegalStateException("this is the kernel of a convolutional configuration; use "
                    + "convolutionalKernel()");
        }
        return kernel;
    }

    private KernelPair computeConv(INDArray x1, INDArray x2) {
        if (flattenShape != null && x1 != null && x1.rank() == 4) {
            boolean last = conv.channelsLast();
            int h = (int) x1.size(last ? 1 : 2);
            int w = (int) x1.size(last ? 2 : 3);
            int[] s = conv.readoutShape(h, w);
            if (s[0] != flattenShape[0] || s[1] != flattenShape[1] || s[2] != flattenShape[2]) {
                throw new IllegalArgumentException("images of " + h + "x" + w + " reach the flattening preprocessor as "
                        + "[" + s[0] + ", " + s[1] + ", " + s[2] + "] but the configuration flattens [" + flattenShape[0]
                        + ", " + flattenShape[1] + ", " + flattenShape[2] + "] (C, H, W); give images of the size the "
                        + "configuration was built for (its setInputType)");
            }
        }
        return conv.compute(x1, x2);
    }

    /**
     * @param x1 features {@code [n1, nIn]}, FLOAT or DOUBLE
     * @param x2 features {@code [n2, nIn]} of the same type, or {@code null} for {@code x1}
     * @return NNGP and NTK {@code [n1, n2]} of one output pre-activation, in the data type of {@code x1}
     * @throws IllegalArgumentException on a wrong shape, type or non-finite value
     */
    public KernelPair compute(INDArray x1, INDArray x2) {
        if (conv != null) {
            return computeConv(x1, x2);
        }
        return kernel.compute(x1, x2);
    }

    /**
     * @param x features {@code [n, nIn]}
     * @return the kernels of {@code x} with itself, {@code [n, n]}, exactly symmetric
     */
    public KernelPair compute(INDArray x) {
        return compute(x, null);
    }

    /** @return the ntk-core kernel that does the work */
    public FullyConnectedKernel kernel() {
        return dense();
    }

    /** @return the layer specs read from the configuration (weight variances as σ_w² = variance × fan-in) */
    public List<DenseLayerSpec> layers() {
        return dense().layers();
    }

    /** @return number of input features */
    public int inputDim() {
        return dense().inputDim();
    }

    /** @return number of outputs {@code nOut} of the last layer */
    public long outputs() {
        return outputs;
    }

    /** @return the mean of each output pre-activation at initialisation (the output layer's {@code biasInit}) */
    public double outputMean() {
        return conv != null ? conv.outputMean() : kernel.outputMean();
    }

    /** @return the name of the output activation that the kernels leave out ({@code "identity"} when none) */
    public String outputActivation() {
        return outputActivation;
    }

    /**
     * @return true when the output activation is not the identity, so that these kernels are of the pre-activation and
     *         differ from the kernels of {@code net.output(x)}
     */
    public boolean isPreActivation() {
        return preActivation;
    }

    /**
     * @param p the parameterization
     * @return the same architecture's kernel in that parameterization
     */
    public AnalyticKernel withParameterization(Parameterization p) {
        if (conv != null) {
            return new AnalyticKernel(this, conv.toBuilder().parameterization(p).build());
        }
        return rebuild(b -> b.parameterization(p));
    }

    /**
     * For experts: the fixed Gauss–Hermite rule instead of the error-controlled one (no error estimate).
     *
     * @param q Gauss–Hermite nodes per dimension (cost ∝ q²)
     * @return a copy with that degree
     */
    public AnalyticKernel withQuadratureDegree(int q) {
        if (conv != null) {
            return new AnalyticKernel(this, conv.toBuilder().quadratureDegree(q).build());
        }
        return rebuild(b -> b.quadratureDegree(q));
    }

    /**
     * @param tol the largest acceptable estimated error relative to each entry's natural scale (default 1e-6);
     *            selects the error-controlled rule (dense and convolutional kernels alike)
     * @return a copy with that tolerance
     */
    public AnalyticKernel withTolerance(double tol) {
        if (conv != null) {
            return new AnalyticKernel(this, conv.toBuilder().tolerance(tol).build());
        }
        return rebuild(b -> b.tolerance(tol));
    }

    /**
     * @param warn true: a missed tolerance is logged instead of thrown ({@link FullyConnectedKernel.Builder#warnOnly})
     * @return a copy
     */
    public AnalyticKernel withWarnOnly(boolean warn) {
        if (conv != null) {
            return new AnalyticKernel(this, conv.toBuilder().warnOnly(warn).build());
        }
        return rebuild(b -> b.warnOnly(warn));
    }

    /**
     * @param t tile edge in examples
     * @return a copy with that tile size
     */
    public AnalyticKernel withTileSize(int t) {
        if (conv != null) {
            return new AnalyticKernel(this, conv.toBuilder().tileSize(t).build());
        }
        return rebuild(b -> b.tileSize(t));
    }

    /**
     * @param budget the memory budget checked before allocating the result
     * @return a copy with that budget (everything else kept)
     */
    public AnalyticKernel withMemoryBudget(org.ntk4j.core.kernel.MemoryBudget budget) {
        if (conv != null) {
            return new AnalyticKernel(this, conv.toBuilder().memoryBudget(budget).build());
        }
        return rebuild(b -> b.memoryBudget(budget));
    }

    private AnalyticKernel rebuild(java.util.function.Consumer<FullyConnectedKernel.Builder> change) {
        FullyConnectedKernel.Builder b = FullyConnectedKernel.builder(kernel.inputDim())
                .parameterization(kernel.parameterization()).tileSize(kernel.tileSize())
                .warnOnly(kernel.warnsOnly());
        if (kernel.fixedQuadrature()) {
            b.quadratureDegree(kernel.quadratureDegree());
        } else {
            b.tolerance(kernel.tolerance());
        }
        kernel.layers().forEach(b::layer);
        change.accept(b);
        return new AnalyticKernel(b.build(), outputActivation, preActivation, outputs);
    }

    @Override
    public String toString() {
        return "AnalyticKernel[" + (conv != null ? conv : kernel) + (preActivation ? ", pre-activation of " + outputActivation + " output" : "")
                + "]";
    }
}
