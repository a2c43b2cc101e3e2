package org.ntk4j.core.analytic;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.ntk4j.core.analytic.internal.GaussianMoments;
import org.ntk4j.core.kernel.MemoryBudget;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
 * {@code [−1, 1]} and negative rounding of variances to 0, so deep stacks (50 layers) stay finite. Gauss–Hermite
 * quadrature with {@code q} nodes per dimension is exact for polynomials of degree {@code < 2q} in each variable and
 * converges geometrically for smooth functions, more slowly the larger the pre-activation variance. Measured relative
 * errors of each Gaussian expectation (worst function: tanh, whose derivative moment is the hardest): below
 * {@code 2e-4} at the default {@code q = 25} for variances ≤ 1, about {@code 2e-2} at variance 3 with correlation near 1,
 * below {@code 5e-6} at {@code q = 100} for variances ≤ 3; sigmoid, GELU and softplus are 10–1000 times more accurate
 * (table in {@code docs/theory.md}). Raise {@link Builder#quadratureDegree} for large variances. Functions with kinks
 * and no closed form here are integrated inaccurately: where the derivative jumps (SELU, ELU, hard-tanh, ReLU6, hard
 * sigmoid) the derivative moment, hence the NTK, stays off by a few percent at any degree, and the value moment
 * converges only algebraically (about {@code 1e-3}); a ReLU integrated by quadrature would be off by {@code 2e-2} at
 * {@code q = 25}, which is why the ReLU family never uses quadrature: its moments are exact for any bias mean. The work
 * is done in tiles of
 * {@code tileSize × tileSize} pairs (only the upper triangle when {@code x2} is {@code x1}); memory beyond the result
 * is {@code O(tileSize²)}. Quadrature runs on the common fork-join pool unless {@link Builder#parallel} is off.
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

    private final int inputDim;
    private final Parameterization parameterization;
    private final List<DenseLayerSpec> layers;
    private final int degree;
    private final int tileSize;
    private final MemoryBudget budget;
    private final boolean parallel;

    private FullyConnectedKernel(Builder b) {
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

    /** @return Gauss–Hermite nodes per dimension */
    public int quadratureDegree() {
        return degree;
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
        GaussianMoments moments = new GaussianMoments(degree, parallel);
        double[][] diag1 = diagonal(a, moments);
        double[][] diag2 = symmetric ? diag1 : diagonal(b, moments);
        INDArray nngp = Nd4j.create(type, n1, n2);
        INDArray ntk = Nd4j.create(type, n1, n2);
        for (int r0 = 0; r0 < n1; r0 += t) {
            int r1 = Math.min(n1, r0 + t);
            INDArray rows = a.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
            for (int c0 = symmetric ? r0 : 0; c0 < n2; c0 += t) {
                int c1 = Math.min(n2, c0 + t);
                INDArray cols = b.get(NDArrayIndex.interval(c0, c1), NDArrayIndex.all());
                INDArray gram = rows.mmul(cols.transpose()).divi(inputDim);
                boolean diagonalTile = symmetric && c0 == r0;
                double[][] tile = tile(gram.dup('c').data().asDouble(), r0, r1, c0, c1, diag1, diag2, moments,
                        diagonalTile);
                put(nngp, tile[0], r0, r1, c0, c1, type);
                put(ntk, tile[1], r0, r1, c0, c1, type);
                if (symmetric && c0 != r0) {
                    put(nngp, transpose(tile[0], r1 - r0, c1 - c0), c0, c1, r0, r1, type);
                    put(ntk, transpose(tile[1], r1 - r0, c1 - c0), c0, c1, r0, r1, type);
                }
            }
        }
        return new KernelPair(nngp, ntk);
    }

    private void validate(INDArray x, String name) {
        Objects.requireNonNull(x, name);
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

    /** K_l(x, x) for l = 1..L, per example: result[l-1][i]. */
    private double[][] diagonal(INDArray x, GaussianMoments moments) {
        int n = (int) x.size(0);
        double[] g = x.mul(x).sum(1).divi(inputDim).castTo(DataType.DOUBLE).dup().data().asDouble();
        int depth = layers.size();
        double[][] out = new double[depth][];
        double[] chat = g;
        double[] e = new double[n];
        for (int l = 0; l < depth; l++) {
            DenseLayerSpec s = layers.get(l);
            double[] k = new double[n];
            for (int i = 0; i < n; i++) {
                k[i] = s.weightVariance() * chat[i] + s.biasVariance();
            }
            out[l] = k;
            if (l < depth - 1) {
                double[] next = new double[n];
                moments.compute(s.activation(), s.biasMean(), k, k, k, n, next, e);
                chat = next;
            }
        }
        return out;
    }

    private double[][] tile(double[] gram, int r0, int r1, int c0, int c1, double[][] diag1, double[][] diag2,
                            GaussianMoments moments, boolean diagonalTile) {
        int br = r1 - r0;
        int bc = c1 - c0;
        // pairs to compute: all of them, or the upper triangle of a diagonal tile (mirrored at the end)
        int m = diagonalTile ? br * (br + 1) / 2 : br * bc;
        int[] pi = new int[m];
        int[] pj = new int[m];
        int p = 0;
        for (int i = 0; i < br; i++) {
            for (int j = diagonalTile ? i : 0; j < bc; j++) {
                pi[p] = i;
                pj[p] = j;
                p++;
            }
        }
        double[] chat = new double[m];
        for (int t = 0; t < m; t++) {
            chat[t] = gram[pi[t] * bc + pj[t]];
        }
        double[] theta = new double[m];
        double[] k = new double[m];
        double[] e = new double[m];
        double[] k11 = new double[m];
        double[] k22 = new double[m];
        int depth = layers.size();
        int prevWidth = inputDim;
        for (int l = 0; l < depth; l++) {
            DenseLayerSpec s = layers.get(l);
            double sw = s.weightVariance();
            double sb = s.biasVariance();
            double al;
            double cl;
            if (parameterization == Parameterization.STANDARD) {
                al = prevWidth;
                cl = s.bias() ? 1.0 : 0.0;
            } else {
                al = sw;
                cl = sb;
            }
            for (int i = 0; i < m; i++) {
                k[i] = sw * chat[i] + sb;
                theta[i] = al * chat[i] + cl + (l == 0 ? 0.0 : sw * e[i] * theta[i]);
            }
            if (l < depth - 1) {
                double[] d1 = diag1[l];
                double[] d2 = diag2[l];
                for (int t = 0; t < m; t++) {
                    k11[t] = d1[r0 + pi[t]];
                    k22[t] = d2[c0 + pj[t]];
                }
                moments.compute(s.activation(), s.biasMean(), k11, k, k22, m, chat, e);
            }
            prevWidth = s.width();
        }
        double[] nngp = new double[br * bc];
        double[] ntk = new double[br * bc];
        for (int t = 0; t < m; t++) {
            nngp[pi[t] * bc + pj[t]] = k[t];
            ntk[pi[t] * bc + pj[t]] = theta[t];
            if (diagonalTile) {
                nngp[pj[t] * bc + pi[t]] = k[t];
                ntk[pj[t] * bc + pi[t]] = theta[t];
            }
        }
        return new double[][]{nngp, ntk};
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    private static void put(INDArray out, double[] values, int r0, int r1, int c0, int c1, DataType type) {
        INDArray block = Nd4j.create(values, new long[]{r1 - r0, c1 - c0}, 'c');
        out.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.interval(c0, c1)).assign(block.castTo(type));
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

        private Builder(int inputDim) {
            this.inputDim = inputDim;
        }

        /**
         * @param p STANDARD (DL4J's, the default) or NTK
         * @return this
         */
        public Builder parameterization(Parameterization p) {
            this.parameterization = Objects.requireNonNull(p, "parameterization");
            return this;
        }

        /**
         * @param spec the next layer
         * @return this
         */
        public Builder layer(DenseLayerSpec spec) {
            layers.add(Objects.requireNonNull(spec, "layer"));
            return this;
        }

        /**
         * @param q Gauss–Hermite nodes per dimension, in [2, 400] (default 25); cost grows like q²
         * @return this
         */
        public Builder quadratureDegree(int q) {
            this.degree = q;
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
            this.budget = Objects.requireNonNull(b, "memoryBudget");
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
            if (tileSize < 1) {
                throw new IllegalArgumentException("tileSize must be >= 1 (got: " + tileSize + ")");
            }
            return new FullyConnectedKernel(this);
        }
    }
}
