package org.ntk4j.dl4j.analytic;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.analytic.DenseLayerSpec;
import org.ntk4j.core.analytic.FullyConnectedKernel;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.analytic.Parameterization;

import java.util.List;
import java.util.Objects;

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
 */
public final class AnalyticKernel {
    private final FullyConnectedKernel kernel;
    private final String outputActivation;
    private final boolean preActivation;
    private final long outputs;

    AnalyticKernel(FullyConnectedKernel kernel, String outputActivation, boolean preActivation, long outputs) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.outputActivation = outputActivation;
        this.preActivation = preActivation;
        this.outputs = outputs;
    }

    /**
     * @param x1 features {@code [n1, nIn]}, FLOAT or DOUBLE
     * @param x2 features {@code [n2, nIn]} of the same type, or {@code null} for {@code x1}
     * @return NNGP and NTK {@code [n1, n2]} of one output pre-activation, in the data type of {@code x1}
     * @throws IllegalArgumentException on a wrong shape, type or non-finite value
     */
    public KernelPair compute(INDArray x1, INDArray x2) {
        return kernel.compute(x1, x2);
    }

    /**
     * @param x features {@code [n, nIn]}
     * @return the kernels of {@code x} with itself, {@code [n, n]}, exactly symmetric
     */
    public KernelPair compute(INDArray x) {
        return kernel.compute(x, null);
    }

    /** @return the ntk-core kernel that does the work */
    public FullyConnectedKernel kernel() {
        return kernel;
    }

    /** @return the layer specs read from the configuration (weight variances as σ_w² = variance × fan-in) */
    public List<DenseLayerSpec> layers() {
        return kernel.layers();
    }

    /** @return number of input features */
    public int inputDim() {
        return kernel.inputDim();
    }

    /** @return number of outputs {@code nOut} of the last layer */
    public long outputs() {
        return outputs;
    }

    /** @return the mean of each output pre-activation at initialisation (the output layer's {@code biasInit}) */
    public double outputMean() {
        return kernel.outputMean();
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

    /** @param p the parameterization; @return the same architecture's kernel in that parameterization */
    public AnalyticKernel withParameterization(Parameterization p) {
        return rebuild(b -> b.parameterization(p));
    }

    /**
     * For experts: the fixed Gauss–Hermite rule instead of the error-controlled one (no error estimate).
     *
     * @param q Gauss–Hermite nodes per dimension (cost ∝ q²)
     * @return a copy with that degree
     */
    public AnalyticKernel withQuadratureDegree(int q) {
        return rebuild(b -> b.quadratureDegree(q));
    }

    /**
     * @param tol the largest acceptable estimated error relative to each entry's natural scale (default 1e-6);
     *            selects the error-controlled rule
     * @return a copy with that tolerance
     */
    public AnalyticKernel withTolerance(double tol) {
        return rebuild(b -> b.tolerance(tol));
    }

    /**
     * @param warn true: a missed tolerance is logged instead of thrown ({@link FullyConnectedKernel.Builder#warnOnly})
     * @return a copy
     */
    public AnalyticKernel withWarnOnly(boolean warn) {
        return rebuild(b -> b.warnOnly(warn));
    }

    /** @param t tile edge in examples; @return a copy with that tile size */
    public AnalyticKernel withTileSize(int t) {
        return rebuild(b -> b.tileSize(t));
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
        return "AnalyticKernel[" + kernel + (preActivation ? ", pre-activation of " + outputActivation + " output" : "")
                + "]";
    }
}
