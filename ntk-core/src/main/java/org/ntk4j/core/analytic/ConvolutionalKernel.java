package org.ntk4j.core.analytic;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.analytic.internal.ConvArgs;
import org.ntk4j.core.analytic.internal.ConvErrors;
import org.ntk4j.core.analytic.internal.ConvRecursion;
import org.ntk4j.core.analytic.internal.ConvStage;
import org.ntk4j.core.analytic.internal.ConvTiles;
import org.ntk4j.core.analytic.internal.GaussianMoments;
import org.ntk4j.core.kernel.MemoryBudget;

import java.util.ArrayList;
import java.util.List;

/**
 * The infinite-width NNGP kernel and NTK (Arora et al. 2019; Novak et al. 2019) of a 2-D convolutional stack —
 * convolutions ({@link ConvLayerSpec}) and average poolings ({@link AvgPoolSpec}), a {@link Readout}, then fully
 * connected layers ({@link DenseLayerSpec}) — of the output pre-activation, for images {@code [n, C, H, W]} (or
 * {@code [n, H, W, C]} with {@link Builder#channelsLast}).
 *
 * <h2>Recursion</h2>
 * For a pair of images {@code (x, x')} and pixels {@code p, p'}, channels being exchangeable in the limit of many
 * channels, each layer carries the covariance {@code K[p, p']} and NTK {@code Θ[p, p']} of one channel of its
 * pre-activation, and the activation moments {@code Ĉ[p, p'] = E[φ(u)φ(v)]}, {@code T[p, p'] = E[φ'(u)φ'(v)]·Θ[p, p']}
 * with {@code (u, v)} Gaussian of mean {@code β}, variances {@code K(x,x)[p,p]}, {@code K(x',x')[p',p']} and covariance
 * {@code K(x,x')[p,p']}. With {@code A(M)[p, p'] = (1/kh·kw) Σ_o M[p + o, p' + o]} over the kernel taps {@code o}
 * ({@code M = 0} where a tap falls in the zero padding):
 * <pre>
 *   Ĉ_0[p, p'] = (1/C_0) Σ_c x[c, p] x'[c, p'],  T_0 = 0
 *   convolution:  K = σ² A(Ĉ) + σ_b²,   Θ = α A(Ĉ) + γ + σ² A(T),   then (Ĉ, T) from (K, Θ) as above
 *   average pool: (Ĉ, T) ↦ (M Ĉ Mᵀ, M T Mᵀ), M the pooling matrix
 *   FLATTEN:      K = σ² mean_p Ĉ[p, p] + σ_b²,   Θ = α mean_p Ĉ[p, p] + γ + σ² mean_p T[p, p]
 *   GLOBAL_AVERAGE / GLOBAL_SUM: a pooling with M = 1ᵀ/HW (or 1ᵀ), then a dense layer of fan-in C
 * </pre>
 * and fully connected layers as in {@link FullyConnectedKernel}. {@link Parameterization#STANDARD}: {@code α = fanIn}
 * ({@code C·kh·kw} for a convolution, {@code C·H·W} after FLATTEN, {@code C} after a global pooling, the previous width
 * for a dense layer) and {@code γ = 1} (0 without bias); {@link Parameterization#NTK}: {@code α = σ²}, {@code γ = σ_b²}.
 * Every offset pair {@code (p + o, p' + o)} shares one weight, hence the same-offset average; the divisor is
 * {@code kh·kw} also at the border, because the weight variance uses the full fan-in.
 *
 * <h2>Representations and cost</h2>
 * Convolutions map equal-pixel pairs to equal-pixel pairs, so without poolings a FLATTEN readout needs only
 * {@code K[p, p]}: {@code O(HW·k²)} per example pair and layer. Poolings and global readouts mix pixels, and then every
 * pixel pair is carried: {@code O((HW)²·k²)} per pair and layer (and {@code (HW)²} Gaussian moments). The choice is
 * made from the architecture ({@link #fullCovariance()}). Example pairs are computed in tiles of {@code tileSize}
 * rows, rows in parallel on the common fork-join pool, only the upper triangle when {@code x2} is {@code x1}, in
 * DOUBLE (the result has the input's data type); memory beyond the result is a few arrays of {@code (HW)²} (or
 * {@code HW}) doubles per thread, plus per example and activation its pixel variances (and, for the error-controlled
 * rule, {@code ≈ 150} doubles per pixel).
 *
 * <h2>Gaussian moments and the error estimate</h2>
 * Each pixel pair's expectation is exactly the dense kernels' bivariate one, with the two pixels' own variances, and
 * is computed as in {@link FullyConnectedKernel}: closed forms where the activation has one at its mean; otherwise the
 * error-controlled rule (default {@link Builder#tolerance tolerance} {@value FullyConnectedKernel#DEFAULT_TOLERANCE}):
 * one row of Hermite coefficients per (example, pixel) variance, built in the example's own run, and per pixel pair
 * Mehler's series with its rigorous tail bound or nested one-dimensional integration, re-checked on a finer mesh when
 * its estimate misses the per-entry goal. {@link KernelPair#errorEstimate()} is {@code Σ_s 2(D − s)·G_s·ε_s} over the
 * activations {@code s} ({@code D} linear layers; {@code ε_s} the largest estimated error of any pixel pair of any
 * example pair at activation {@code s}, relative to its Cauchy–Schwarz scale; {@code G_s ≥ 1} the product of the
 * magnifications, measured on every example, of the poolings after it — averages of pixel pairs whose covariances
 * cancel have a smaller scale than their pixels); above the tolerance {@link #compute} throws
 * {@link ToleranceNotMetException} (or logs, if {@linkplain Builder#warnOnly so built}). {@link
 * Builder#quadratureDegree} selects the fixed Gauss–Hermite rule instead (experts; no estimate: NaN).
 *
 * <pre>{@code
 * ConvolutionalKernel k = ConvolutionalKernel.builder(1)
 *         .conv(ConvLayerSpec.builder(64, 3, 3).samePadding().weightVariance(2).activation(Nonlinearities.relu()).build())
 *         .readout(Readout.GLOBAL_AVERAGE)
 *         .dense(DenseLayerSpec.builder(1).build())
 *         .build();
 * KernelPair kp = k.compute(x);     // x [n, 1, 8, 8] -> [n, n] each
 * }</pre>
 */
public final class ConvolutionalKernel {
    private final int inputChannels;
    private final boolean channelsLast;
    private final Parameterization parameterization;
    private final List<ConvStage> stages;
    private final Readout readout;
    private final List<DenseLayerSpec> dense;
    private final int degree;
    private final int tileSize;
    private final MemoryBudget budget;
    private final boolean parallel;
    private final boolean fixedDegree;
    private final double tolerance;
    private final boolean warnOnly;

    private ConvolutionalKernel(Builder b) {
        this.fixedDegree = b.fixedDegree;
        this.tolerance = b.tolerance;
        this.warnOnly = b.warnOnly;
        this.inputChannels = b.inputChannels;
        this.channelsLast = b.channelsLast;
        this.parameterization = b.parameterization;
        this.stages = List.copyOf(b.stages);
        this.readout = b.readout;
        this.dense = List.copyOf(b.dense);
        this.degree = b.degree;
        this.tileSize = b.tileSize;
        this.budget = b.budget;
        this.parallel = b.parallel;
    }

    /**
     * @param inputChannels channels {@code C_0 ≥ 1} of the input images
     * @return a builder
     */
    public static Builder builder(int inputChannels) {
        return new Builder(inputChannels);
    }

    /** @return a builder holding this kernel's settings, to change some */
    public Builder toBuilder() {
        Builder b = new Builder(inputChannels).channelsLast(channelsLast).parameterization(parameterization)
                .readout(readout).tileSize(tileSize).parallel(parallel).memoryBudget(budget).warnOnly(warnOnly);
        if (fixedDegree) {
            b.quadratureDegree(degree);
        } else {
            b.tolerance(tolerance);
        }
        b.stages.addAll(stages);
        b.dense.addAll(dense);
        return b;
    }

    /** @return input channels */
    public int inputChannels() {
        return inputChannels;
    }

    /** @return whether images are {@code [n, H, W, C]} */
    public boolean channelsLast() {
        return channelsLast;
    }

    /** @return the parameterization */
    public Parameterization parameterization() {
        return parameterization;
    }

    /** @return the readout */
    public Readout readout() {
        return readout;
    }

    /** @return the fully connected layers after the readout (unmodifiable) */
    public List<DenseLayerSpec> denseLayers() {
        return dense;
    }

    /** @return Gauss–Hermite nodes per dimension (used only when {@link #fixedQuadrature()}) */
    public int quadratureDegree() {
        return degree;
    }

    /** @return whether the expert fixed Gauss–Hermite rule was requested instead of the error-controlled rule */
    public boolean fixedQuadrature() {
        return fixedDegree;
    }

    /** @return the tolerance of the error-controlled rule */
    public double tolerance() {
        return tolerance;
    }

    /** @return whether a missed tolerance is logged instead of thrown */
    public boolean warnsOnly() {
        return warnOnly;
    }

    /** @return tile edge in examples */
    public int tileSize() {
        return tileSize;
    }

    /** @return whether every pixel pair is carried (poolings or a global readout), rather than equal pixels only */
    public boolean fullCovariance() {
        return readout != Readout.FLATTEN || stages.stream().anyMatch(s -> s.pool() != null);
    }

    /** @return the mean of every output pre-activation at initialisation: the last layer's bias mean */
    public double outputMean() {
        return dense.get(dense.size() - 1).biasMean();
    }

    /**
     * @param height input height
     * @param width  input width
     * @return {@code [C, H, W]} of the activations that the readout sees for such images
     * @throws IllegalArgumentException when the images are too small for a layer
     */
    public int[] readoutShape(int height, int width) {
        return plan(height, width, new GaussianMoments(2, false)).readoutShape();
    }

    /**
     * @param x images
     * @return the kernels of {@code x} with itself, exactly symmetric
     */
    public KernelPair compute(INDArray x) {
        return compute(x, null);
    }

    /**
     * @param x1 images {@code [n1, C, H, W]} ({@code [n1, H, W, C]} channels-last), FLOAT or DOUBLE
     * @param x2 images of the same size and type, or {@code null} for {@code x1}
     * @return NNGP and NTK {@code [n1, n2]} of the output pre-activation, in the input's data type
     * @throws IllegalArgumentException on a wrong shape, type, a non-finite value or images too small for a layer
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException when the result would not fit the budget
     */
    public KernelPair compute(INDArray x1, INDArray x2) {
        boolean symmetric = x2 == null || x2 == x1;
        ConvTiles.validate(x1, symmetric ? null : x2, inputChannels, channelsLast);
        int h = (int) x1.size(channelsLast ? 1 : 2);
        int w = (int) x1.size(channelsLast ? 2 : 3);
        ConvRecursion plan = plan(h, w, new GaussianMoments(fixedDegree ? degree : 2, false));
        double[] layerError = new double[plan.activations()];
        double[] poolGain = new double[plan.poolings()];
        INDArray[] k = ConvTiles.run(plan, x1, symmetric ? null : x2, channelsLast, tileSize, parallel, budget,
                layerError, poolGain);
        return new KernelPair(k[0], k[1], fixedDegree ? Double.NaN
                : ConvErrors.estimate(layerError, plan.errorGain(poolGain), tolerance, warnOnly));
    }

    private ConvRecursion plan(int h, int w, GaussianMoments moments) {
        return ConvRecursion.compile(inputChannels, h, w, stages, readout, dense, parameterization, fullCovariance(),
                fixedDegree, tolerance, moments);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ConvolutionalKernel[C=").append(inputChannels).append(", ")
                .append(parameterization).append(ConvStage.describe(stages)).append(", ").append(readout);
        for (DenseLayerSpec d : dense) {
            sb.append(", ").append(d.width()).append(':').append(d.activation().name());
        }
        return sb.append(fullCovariance() ? ", full pixel covariance]" : ", per-pixel variances]").toString();
    }

    /** Builder of {@link ConvolutionalKernel}; validated by {@link #build()}. */
    public static final class Builder {
        private final int inputChannels;
        private boolean channelsLast;
        private Parameterization parameterization = Parameterization.STANDARD;
        private final List<ConvStage> stages = new ArrayList<>();
        private Readout readout = Readout.FLATTEN;
        private final List<DenseLayerSpec> dense = new ArrayList<>();
        private int degree = FullyConnectedKernel.DEFAULT_QUADRATURE_DEGREE;
        private int tileSize = FullyConnectedKernel.DEFAULT_TILE_SIZE;
        private MemoryBudget budget = MemoryBudget.defaultBudget();
        private boolean parallel = true;
        private boolean fixedDegree;
        private double tolerance = FullyConnectedKernel.DEFAULT_TOLERANCE;
        private boolean warnOnly;

        private Builder(int inputChannels) {
            this.inputChannels = inputChannels;
        }

        /**
         * @param last images {@code [n, H, W, C]} (DL4J NHWC) instead of {@code [n, C, H, W]}
         * @return this
         */
        public Builder channelsLast(boolean last) {
            this.channelsLast = last;
            return this;
        }

        /**
         * @param p STANDARD (DL4J's, the default) or NTK
         * @return this
         */
        public Builder parameterization(Parameterization p) {
            this.parameterization = ConvArgs.present(p, "parameterization", "Parameterization.STANDARD");
            return this;
        }

        /**
         * @param spec the next convolution
         * @return this
         */
        public Builder conv(ConvLayerSpec spec) {
            stages.add(new ConvStage(ConvArgs.present(spec, "conv", "ConvLayerSpec.builder(...).build()"), null));
            return this;
        }

        /**
         * @param spec the next average pooling
         * @return this
         */
        public Builder avgPool(AvgPoolSpec spec) {
            stages.add(new ConvStage(null, ConvArgs.present(spec, "avgPool", "AvgPoolSpec.of(2, 2)")));
            return this;
        }

        /**
         * @param r how the last activations reach the first dense layer (default FLATTEN)
         * @return this
         */
        public Builder readout(Readout r) {
            this.readout = ConvArgs.present(r, "readout", "Readout.FLATTEN");
            return this;
        }

        /**
         * @param spec the next fully connected layer after the readout
         * @return this
         */
        public Builder dense(DenseLayerSpec spec) {
            dense.add(ConvArgs.present(spec, "dense", "DenseLayerSpec.builder(1).build()"));
            return this;
        }

        /**
         * For experts: integrates every activation without closed form by the fixed Gauss–Hermite rule with
         * {@code q} nodes per dimension instead of the error-controlled rule; no error estimate, no tolerance check.
         *
         * @param q nodes per dimension, in [2, 400]
         * @return this
         */
        public Builder quadratureDegree(int q) {
            this.degree = q;
            this.fixedDegree = true;
            return this;
        }

        /**
         * @param tol the largest acceptable estimated error, relative to the natural scale of each kernel entry, in
         *            [1e-12, 1) (default {@value FullyConnectedKernel#DEFAULT_TOLERANCE}); also selects the
         *            error-controlled rule
         * @return this
         */
        public Builder tolerance(double tol) {
            this.tolerance = tol;
            this.fixedDegree = false;
            return this;
        }

        /**
         * @param warn true: a missed tolerance is logged (SLF4J WARN) and the kernels are returned with their
         *             estimate; false (default): {@link ToleranceNotMetException} is thrown
         * @return this
         */
        public Builder warnOnly(boolean warn) {
            this.warnOnly = warn;
            return this;
        }

        /**
         * @param t example rows per tile, ≥ 1
         * @return this
         */
        public Builder tileSize(int t) {
            this.tileSize = t;
            return this;
        }

        /**
         * @param p whether rows of a tile run on several cores (same result bit for bit)
         * @return this
         */
        public Builder parallel(boolean p) {
            this.parallel = p;
            return this;
        }

        /**
         * @param b the memory budget checked before allocating
         * @return this
         */
        public Builder memoryBudget(MemoryBudget b) {
            this.budget = ConvArgs.present(b, "memoryBudget", "MemoryBudget.defaultBudget()");
            return this;
        }

        /** @return the kernel */
        public ConvolutionalKernel build() {
            if (inputChannels < 1) {
                throw new IllegalArgumentException("inputChannels must be >= 1 (got: " + inputChannels + ")");
            }
            if (dense.isEmpty()) {
                throw new IllegalArgumentException("add at least one dense layer after the readout (got: 0)");
            }
            if (degree < 2 || degree > 400) {
                throw new IllegalArgumentException("quadratureDegree must be in [2, 400] (got: " + degree + ")");
            }
            if (tileSize < 1) {
                throw new IllegalArgumentException("tileSize must be >= 1 (got: " + tileSize + ")");
            }
            if (!(tolerance >= 1e-12 && tolerance < 1)) {
                throw new IllegalArgumentException("tolerance must be in [1e-12, 1) (got: " + tolerance + ")");
            }
            return new ConvolutionalKernel(this);
        }
    }
}
