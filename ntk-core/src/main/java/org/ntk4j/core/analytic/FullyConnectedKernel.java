package org.ntk4j.core.analytic;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.ntk4j.core.analytic.internal.GaussianMoments;
import org.ntk4j.core.analytic.internal.LayerRecursion;
import org.ntk4j.core.kernel.MemoryBudget;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The infinite-width NNGP kernel and NTK of a stack of fully connected layers, of the output pre-activation.
 *
 * <h2>Recursion</h2>
 * Layers {@code l = 1..L}, widths {@code n_0 = d} (input), {@code n_1 .. n_L}; layer {@code l} computes
 * {@code z_l = h_{l−1} W_l + b_l}, {@code h_l = φ_l(z_l)}, {@code h_0 = x}. With {@code σ_l², β_l, s_l²} the weight
 * variance (times fan-in), bias mean and bias variance of layer {@code l}:
 * <pre>
 *   Ĉ_0(x, x') = ⟨x, x'⟩ / n_0
 *   K_l  = σ_l² Ĉ_{l−1} + s_l²                               (NNGP of z_l: every unit of z_l is a GP, mean β_l)
 *   Θ_l  = a_l Ĉ_{l−1} + c_l + σ_l² Ė_{l−1} Θ_{l−1},  Θ_0 = 0    (NTK of z_l)
 *   Ĉ_l  = E[φ_l(u) φ_l(v)],  Ė_l = E[φ_l'(u) φ_l'(v)],  (u, v) ~ N(β_l·1, [[K_l(x,x), K_l(x,x')], [K_l(x,x'), K_l(x',x')]])
 * </pre>
 * with per-layer factors from the parameterization: {@link Parameterization#STANDARD} {@code a_l = n_{l−1}},
 * {@code c_l = 1} (0 without bias); {@link Parameterization#NTK} {@code a_l = σ_l²}, {@code c_l = s_l²}.
 *
 * <h2>Derivation of the factors</h2>
 * For one output unit {@code f = z_L[k]}, write {@code δ_l = ∂f/∂z_l} (a row of width {@code n_l}). In the standard
 * parameterization the trainable parameters of layer {@code l} are {@code W_l} and {@code b_l}, with
 * {@code ∂f/∂W_l[j,i] = h_{l−1}[j] δ_l[i]} and {@code ∂f/∂b_l[i] = δ_l[i]}. Summing products of these gradients at
 * {@code x} and {@code x'} over all parameters of layer {@code l} gives exactly
 * {@code (⟨h_{l−1}(x), h_{l−1}(x')⟩ + 1) · ⟨δ_l(x), δ_l(x')⟩}. As widths grow, by the law of large numbers
 * {@code ⟨h_{l−1}, h'_{l−1}⟩ → n_{l−1} Ĉ_{l−1}} (for {@code l = 1} it is exactly {@code ⟨x, x'⟩ = n_0 Ĉ_0}), and with
 * {@code δ_{l−1} = (δ_l W_lᵀ) ⊙ φ'(z_{l−1})} and {@code E[W_l[j,i] W_l[j,i']] = (σ_l²/n_{l−1}) 1[i=i']},
 * {@code ⟨δ_{l−1}, δ'_{l−1}⟩ → σ_l² Ė_{l−1} ⟨δ_l, δ'_l⟩}, starting from {@code ⟨δ_L, δ'_L⟩ = 1}. Hence
 * {@code Θ = Σ_l (n_{l−1} Ĉ_{l−1} + 1) Π_{m>l} σ_m² Ė_{m−1}}, which is the forward recursion above. In the NTK
 * parameterization {@code W = (σ/√n) ω}, {@code b = β + s ν} and the gradients w.r.t. {@code ω, ν} carry the factors
 * {@code σ/√n} and {@code s}, giving {@code (σ_l² Ĉ_{l−1} + s_l²)} instead of {@code (n_{l−1} Ĉ_{l−1} + 1)}; the
 * backward factor is the same. So in the standard parameterization the NTK grows linearly with the widths (the layer
 * {@code l} weight term is {@code n_{l−1}} times larger than in the NTK parameterization) and bias terms count 1 per
 * layer, unscaled: this is what the empirical NTK of a DL4J network (summed over every weight and bias) converges to,
 * entry by entry relative to its size, as its widths grow with their ratios fixed.
 *
 * <h2>Numerics</h2>
 * All arithmetic is in DOUBLE; the result has the data type of the input. Correlations are clamped into
 * {@code [−1, 1]} and negative rounding of variances to 0, so deep stacks (50 layers) stay finite. Closed forms are
 * used where they exist ({@link Nonlinearities}). Every other activation is integrated to a {@linkplain
 * Builder#tolerance tolerance} (default {@value #DEFAULT_TOLERANCE}, relative to the natural scale
 * {@code √(K(x,x) K(x',x'))} of each entry) by a rule with an error estimate: per layer and example, the Hermite
 * coefficients of {@code φ(μ + √q x)} and {@code φ'(μ + √q x)} up to degree 64 (one-dimensional integrals split at
 * the activation's breakpoints); per pair, Mehler's series {@code Σ_k a_ik a_jk ρ^k} stopped where its rigorous
 * Cauchy–Schwarz tail bound is below the target, or, near {@code |ρ| = 1}, nested one-dimensional integration
 * {@code E[φ(u) E[φ(v)|u]]} with breakpoints (see {@code docs/theory.md}). {@link KernelPair#errorEstimate()} is
 * {@code Σ_l 2(L − l) ε_l}, where {@code ε_l} is the largest estimated error of layer {@code l}'s Gaussian
 * expectations, each relative to its Cauchy–Schwarz scale {@code √(E[φ(u)²] E[φ(v)²])}, and {@code 2(L − l)} allows
 * for its propagation through both recursions of the later layers; when it exceeds the tolerance, {@link #compute} throws
 * {@link ToleranceNotMetException} (or logs a warning, if so built) rather than return a worse kernel.
 * {@link Builder#quadratureDegree} selects the former fixed Gauss–Hermite rule instead (for experts: no error control,
 * {@code errorEstimate} is NaN). The work is done in tiles of {@code tileSize × tileSize} pairs (only the upper
 * triangle when {@code x2} is {@code x1}); memory beyond the result is {@code O(tileSize²)} plus the coefficient
 * tables, {@code 2·65} doubles per example and layer. Pairs run on the common fork-join pool unless
 * {@link Builder#parallel} is off.
 *
 * <pre>{@code
 * FullyConnectedKernel k = FullyConnectedKernel.builder(32)
 *         .layer(DenseLayerSpec.builder(512).weightVariance(2).activation(Nonlinearities.relu()).build())
 *         .layer(DenseLayerSpec.builder(1).build())
 *         .build();
 * KernelPair kp = k.compute(x1, x2);     // [n1, n2] each
 * }</pre>
 */
public final class FullyConnectedKernel {
    /** Default Gauss–Hermite nodes per dimension. */
    public static final int DEFAULT_QUADRATURE_DEGREE = 25;
    /** Default tile edge in examples. */
    public static final int DEFAULT_TILE_SIZE = 512;
    /** Default tolerance of the numerical rule, relative to the natural scale of each kernel entry. */
    public static final double DEFAULT_TOLERANCE = 1e-6;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FullyConnectedKernel.class);

    private final int inputDim;
    private final Parameterization parameterization;
    private final List<DenseLayerSpec> layers;
    private final int degree;
    private final int tileSize;
    private final MemoryBudget budget;
    private final boolean parallel;
    private final boolean fixedDegree;
    private final double tolerance;
    private final boolean warnOnly;

    private FullyConnectedKernel(Builder b) {
        this.fixedDegree = b.fixedDegree;
        this.tolerance = b.tolerance;
        this.warnOnly = b.warnOnly;
        this.parallel = b.parallel;
        this.inputDim = b.inputDim;
        this.parameterization = b.parameterization;
        this.layers = List.copyOf(b.layers);
        this.degree = b.degree;
        this.tileSize = b.tileSize;
        this.budget = b.budget;
    }

    /**
     * @param inputDim number of input features {@code d ≥ 1}
     * @return a builder; add at least one layer
     */
    public static Builder builder(int inputDim) {
        return new Builder(inputDim);
    }

    /** @return the input dimension */
    public int inputDim() {
        return inputDim;
    }

    /** @return the parameterization */
    public Parameterization parameterization() {
        return parameterization;
    }

    /** @return the layers, first to last (unmodifiable) */
    public List<DenseLayerSpec> layers() {
        return layers;
    }

    /** @return Gauss–Hermite nodes per dimension (used only when {@link #fixedQuadrature()}) */
    public int quadratureDegree() {
        return degree;
    }

    /** @return whether a fixed Gauss–Hermite degree was requested instead of the error-controlled rule */
    public boolean fixedQuadrature() {
        return fixedDegree;
    }

    /** @return examples per tile edge */
    public int tileSize() {
        return tileSize;
    }

    /** @return the tolerance of the error-controlled rule */
    public double tolerance() {
        return tolerance;
    }

    /** @return whether a missed tolerance is logged instead of thrown */
    public boolean warnsOnly() {
        return warnOnly;
    }

    /** @return the mean of every output pre-activation at initialisation: the last layer's bias mean */
    public double outputMean() {
        return layers.get(layers.size() - 1).biasMean();
    }

    /**
     * @param x features {@code [n, d]}, FLOAT or DOUBLE
     * @return the kernels of {@code x} with itself, exactly symmetric
     */
    public KernelPair compute(INDArray x) {
        return compute(x, null);
    }

    /**
     * @param x1 features {@code [n1, d]}, FLOAT or DOUBLE
     * @param x2 features {@code [n2, d]} of the same type, or {@code null} for {@code x1}
     * @return NNGP and NTK {@code [n1, n2]} of the output pre-activation, in the input's data type
     * @throws IllegalArgumentException on a wrong shape, type or a non-finite feature
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException when the result would not fit the budget
     * @throws ToleranceNotMetException when the estimated error exceeds the tolerance (unless built to warn)
     */
    public KernelPair compute(INDArray x1, INDArray x2) {
        validate(x1, "x1");
        boolean symmetric = x2 == null || x2 == x1;
        if (!symmetric) {
            validate(x2, "x2");
            if (x2.dataType() != x1.dataType()) {
                throw new IllegalArgumentException("x1 and x2 must have the same data type (got: " + x1.dataType()
                        + " and " + x2.dataType() + ")");
            }
        }
        DataType type = x1.dataType();
        INDArray a = x1.castTo(DataType.DOUBLE);
        INDArray b = symmetric ? a : x2.castTo(DataType.DOUBLE);
        int n1 = (int) a.size(0);
        int n2 = (int) b.size(0);
        int t = tileSize;
        budget.check("analytic kernels", 2 * MemoryBudget.bytes(type, n1, n2)
                        + 8L * MemoryBudget.bytes(DataType.DOUBLE, Math.min(t, n1), Math.min(t, n2)),
                "compute the kernel in blocks of rows, or use FLOAT");
        GaussianMoments moments = new GaussianMoments(fixedDegree ? degree : 2, parallel);
        double[] layerError = new double[layers.size()];
        LayerRecursion rec = new LayerRecursion(inputDim, parameterization == Parameterization.STANDARD, layers,
                fixedDegree, tolerance, parallel);
        INDArray[] kernels = rec.kernels(a, b, symmetric, type, t, moments, layerError);
        INDArray nngp = kernels[0];
        INDArray ntk = kernels[1];
        int depth = layers.size();
        // an error made at layer l reaches the output through the NNGP and the NTK recursions of the later layers
        // (both duals, each entering K and Θ): weighted by 2 per remaining layer
        double estimate = 0;
        for (int l = 0; l < depth; l++) {
            estimate += 2.0 * (depth - l) * layerError[l];
        }
        if (fixedDegree) {
            estimate = Double.NaN;
        } else if (!(estimate <= tolerance)) {
            String msg = String.format(java.util.Locale.ROOT, "estimated error %.2e of the infinite-width kernels "
                    + "exceeds the tolerance %.1e (per layer: %s); raise the tolerance, or report the activation and "
                    + "variances", estimate, tolerance, Arrays.toString(layerError));
            if (!warnOnly) {
                throw new ToleranceNotMetException(msg, estimate, tolerance);
            }
            LOG.warn(msg);
        }
        return new KernelPair(nngp, ntk, estimate);
    }

    private void validate(INDArray x, String name) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must not be null (got: null); pass features [n, " + inputDim
                    + "]");
        }
        if (x.rank() != 2 || x.size(1) != inputDim) {
            throw new IllegalArgumentException("expected " + name + " of shape [n, " + inputDim + "], got "
                    + Arrays.toString(x.shape()));
        }
        if (x.size(0) < 1) {
            throw new IllegalArgumentException(name + " has no rows (shape " + Arrays.toString(x.shape()) + ")");
        }
        if (x.dataType() != DataType.FLOAT && x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(name + " must be FLOAT or DOUBLE (got: " + x.dataType()
                    + "); cast it with x.castTo(DataType.DOUBLE)");
        }
        if (BooleanIndexing.or(x, Conditions.isNan()) || BooleanIndexing.or(x, Conditions.isInfinite())) {
            throw new IllegalArgumentException(name + " contains NaN or infinite values; clean the features first");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FullyConnectedKernel[d=").append(inputDim).append(", ")
                .append(parameterization);
        for (DenseLayerSpec s : layers) {
            sb.append(", ").append(s.width()).append(':').append(s.activation().name());
        }
        return sb.append(']').toString();
    }

    /** Builder of {@link FullyConnectedKernel}; validated by {@link #build()}. */
    public static final class Builder {
        private final int inputDim;
        private Parameterization parameterization = Parameterization.STANDARD;
        private final List<DenseLayerSpec> layers = new ArrayList<>();
        private int degree = DEFAULT_QUADRATURE_DEGREE;
        private int tileSize = DEFAULT_TILE_SIZE;
        private MemoryBudget budget = MemoryBudget.defaultBudget();
        private boolean parallel = true;
        private boolean fixedDegree;
        private double tolerance = DEFAULT_TOLERANCE;
        private boolean warnOnly;

        private Builder(int inputDim) {
            this.inputDim = inputDim;
        }

        /**
         * @param p STANDARD (DL4J's, the default) or NTK
         * @return this
         */
        public Builder parameterization(Parameterization p) {
            if (p == null) {
                throw new IllegalArgumentException("parameterization must not be null (got: null); use "
                        + "Parameterization.STANDARD or NTK");
            }
            this.parameterization = p;
            return this;
        }

        /**
         * @param spec the next layer
         * @return this
         */
        public Builder layer(DenseLayerSpec spec) {
            if (spec == null) {
                throw new IllegalArgumentException("layer " + (layers.size() + 1) + " must not be null (got: null)");
            }
            layers.add(spec);
            return this;
        }

        /**
         * For experts: integrates every activation without closed form by the fixed Gauss–Hermite rule with
         * {@code q} nodes per dimension instead of the error-controlled rule; no error estimate, no tolerance check.
         *
         * @param q nodes per dimension, in [2, 400]; cost grows like q²
         * @return this
         */
        public Builder quadratureDegree(int q) {
            this.degree = q;
            this.fixedDegree = true;
            return this;
        }

        /**
         * @param tol the largest acceptable estimated error, relative to the natural scale of each kernel entry, in
         *            [1e-12, 1) (default {@value #DEFAULT_TOLERANCE}); also selects the error-controlled rule
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
         * @param t examples per tile edge, ≥ 1 (default 512)
         * @return this
         */
        public Builder tileSize(int t) {
            this.tileSize = t;
            return this;
        }

        /**
         * @param p whether quadrature may run on several cores (Java's common fork-join pool; default true); the
         *          result is the same bit for bit
         * @return this
         */
        public Builder parallel(boolean p) {
            this.parallel = p;
            return this;
        }

        /**
         * @param b the memory budget checked before allocating the result
         * @return this
         */
        public Builder memoryBudget(MemoryBudget b) {
            if (b == null) {
                throw new IllegalArgumentException("memoryBudget must not be null (got: null); use "
                        + "MemoryBudget.defaultBudget()");
            }
            this.budget = b;
            return this;
        }

        /** @return the kernel */
        public FullyConnectedKernel build() {
            if (inputDim < 1) {
                throw new IllegalArgumentException("inputDim must be >= 1 (got: " + inputDim + ")");
            }
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("add at least one layer (got: 0 layers)");
            }
            if (degree < 2 || degree > 400) {
                throw new IllegalArgumentException("quadratureDegree must be in [2, 400] (got: " + degree + ")");
            }
            if (!(tolerance >= 1e-12 && tolerance < 1)) {
                throw new IllegalArgumentException("tolerance must be in [1e-12, 1) (got: " + tolerance + ")");
            }
            if (tileSize < 1) {
                throw new IllegalArgumentException("tileSize must be >= 1 (got: " + tileSize + ")");
            }
            return new FullyConnectedKernel(this);
        }
    }
}
