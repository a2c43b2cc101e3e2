package org.ntk4j.dl4j.samediff;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.internal.ArraySink;
import org.ntk4j.core.kernel.internal.FullArraySink;
import org.ntk4j.core.kernel.internal.TileScheduler;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.internal.Features;
import org.ntk4j.dl4j.samediff.internal.GraphInspector;
import org.ntk4j.dl4j.samediff.internal.GraphPlan;
import org.ntk4j.dl4j.samediff.internal.NtkGraphBuilder;
import org.ntk4j.dl4j.samediff.internal.GraphTiles;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The empirical Neural Tangent Kernel of a SameDiff graph, computed by SameDiff ops added to (a copy of) the graph.
 *
 * <p>For a graph whose variable {@code output} {@code [n, o]} is computed from the placeholder {@code input}
 * {@code [n, d, ...]} one row per example, the kernel is
 * {@code Θ(x, x')[k, l] = Σ_p ∂output_k(x)/∂θ_p · ∂output_l(x')/∂θ_p}, summed over every trainable (VARIABLE, floating
 * point) variable that the output depends on. The forward pass is executed as {@code sd.output(...)} executes it.
 *
 * <p><b>How.</b> {@link #of} inspects the graph and builds the NTK as SameDiff ops (see {@link #ntkGraph()}):
 * <ul>
 *   <li><b>structured rule</b> — a trainable variable used only as the weight {@code W} of {@code z = A·W}
 *       ({@code Mmul}, {@code XwPlusB}) or as the bias {@code b} of {@code z + b} ({@code BiasAdd}, a row-broadcast
 *       {@code add}, {@code XwPlusB}) on rank-2 activations contributes {@code (A1·A2ᵀ + 1) ⊙ (Δ1·Δ2ᵀ)} (without the
 *       {@code + 1} for a weight alone, without {@code A1·A2ᵀ} for a bias alone), where {@code Δ} are the per-example
 *       gradients of the outputs w.r.t. {@code z} — SameDiff's gradients w.r.t. intermediate variables; the weight
 *       and bias of an NCHW {@code conv2d} (VALID or SAME padding, any stride and dilation) contribute the Gram matrix
 *       of their per-example gradients, formed in one batched product of im2col patches and deltas;</li>
 *   <li><b>exact fallback</b> — every other trainable variable (used by any other op, used twice, on activations of
 *       another rank or layout) contributes {@code J1·J2ᵀ} of its exact per-example gradients, one backward pass of
 *       the same graph per example and output; see {@link #exactParameters()}.</li>
 * </ul>
 * Both give the same kernel up to rounding; the structured rule needs one forward and backward pass per tile.
 *
 * <p><b>Your graph.</b> By default the transform works on a copy ({@code SameDiff.dup()}); the parameters of the
 * graph passed to {@link #of} are copied into it before every {@link #compute}, so the kernel always describes the
 * graph's current parameters (e.g. while it trains). With {@link Builder#inPlace(boolean) inPlace(true)} no copy is
 * made: the placeholder {@code ntk/seed}, the ops {@code ntk/seeded} and {@code ntk/probe} are added to the graph, the
 * NTK graph is registered as its sub-function {@code "ntk"}, and its loss variables and gradient function are restored.
 *
 * <p><b>Shapes.</b> {@code compute(x1, x2)}: {@code x1} {@code [n1, d, ...]}, {@code x2} {@code [n2, d, ...]};
 * result {@code [n1, n2]} for {@link OutputMode#TRACE} (the mean over outputs of the diagonal output blocks) or
 * {@code [n1, n2, o, o]} for {@link OutputMode#FULL}, in the data type of the output variable (FLOAT or DOUBLE).
 *
 * <p>The graph must treat examples independently (no batch statistics, no ops mixing rows) — as any network whose
 * NTK is defined per example. Instances are not thread-safe.
 *
 * <pre>{@code
 * SameDiffNtk ntk = SameDiffNtk.of(sd, "input", "output");
 * INDArray k = ntk.compute(x1, x2);          // [n1, n2]
 * }</pre>
 */
public final class SameDiffNtk {
    /** Name of the structured kernel in {@link #ntkGraph()}. */
    public static final String KERNEL = NtkGraphBuilder.KERNEL;
    /** Name of the seed placeholder {@code [M, o]} in {@link #ntkGraph()}. */
    public static final String SEED = NtkGraphBuilder.SEED;
    /** Name of the first row-index placeholder (INT64) in {@link #ntkGraph()}. */
    public static final String ROWS1 = NtkGraphBuilder.ROWS1;
    /** Name of the second row-index placeholder (INT64) in {@link #ntkGraph()}. */
    public static final String ROWS2 = NtkGraphBuilder.ROWS2;
    /** Name of the sub-function holding the NTK graph when the transform is applied in place. */
    public static final String FUNCTION_NAME = "ntk";

    private final SameDiff source;
    private final SameDiff work;
    private final boolean inPlace;
    private final String inputName;
    private final String outputName;
    private final OutputMode mode;
    private final int blockSize;
    private final MemoryBudget budget;
    private final NtkImplementation implementation;
    private final GraphPlan plan;
    private final NtkGraphBuilder.Built built;
    private final GraphTiles tiles;
    private final DataType inputType;

    private SameDiffNtk(Builder b) {
        this.source = b.sd;
        this.inPlace = b.inPlace;
        this.inputName = b.inputName;
        this.outputName = b.outputName;
        this.mode = b.mode;
        this.blockSize = b.blockSize;
        this.budget = b.budget;
        this.implementation = b.implementation;
        this.work = inPlace ? b.sd : b.sd.dup();
        this.plan = GraphInspector.inspect(work, inputName, outputName, implementation != NtkImplementation.JACOBIAN);
        this.built = inPlace ? NtkGraphBuilder.buildInPlace(work, plan, outputName, mode, FUNCTION_NAME)
                : NtkGraphBuilder.build(work, plan, outputName, mode);
        this.tiles = new GraphTiles(work, plan, built, inputName, mode);
        this.inputType = work.getVariable(inputName).dataType();
        if (implementation == NtkImplementation.STRUCTURED && !plan.exactParameters().isEmpty()) {
            throw new IllegalArgumentException("variable(s) " + plan.exactParameters() + " have no structured rule"
                    + " (NtkImplementation.STRUCTURED uses structured rules only); use NtkImplementation.AUTO"
                    + " (structured rules where they exist, exact per-example gradients elsewhere) or JACOBIAN");
        }
    }

    /**
     * The NTK of {@code sd}'s output w.r.t. its trainable variables, TRACE mode, default block size, on a copy.
     *
     * @param sd         the graph (not modified)
     * @param inputName  the placeholder receiving features {@code [n, d, ...]}
     * @param outputName the output variable {@code [n, o]}
     * @return the transform
     * @throws IllegalArgumentException naming the problem when the names or shapes do not fit
     */
    public static SameDiffNtk of(SameDiff sd, String inputName, String outputName) {
        return builder(sd, inputName, outputName).build();
    }

    /**
     * @param sd         the graph
     * @param inputName  the placeholder receiving features {@code [n, d, ...]}
     * @param outputName the output variable {@code [n, o]}
     * @return a builder with AUTO implementation, TRACE mode, block size 512, a copy of the graph and the default
     *         memory budget
     */
    public static Builder builder(SameDiff sd, String inputName, String outputName) {
        return new Builder(sd, inputName, outputName);
    }

    /**
     * The transformed graph: a SameDiff instance with the forward ops of the network, SameDiff's backward ops for the
     * probe loss {@code Σ output ⊙ seed}, and the kernel ops ending in {@link #KERNEL} (present when at least one
     * parameter has a structured rule). Its placeholders are the input (fed {@code o} stacked copies of the batch),
     * {@link #SEED}, {@link #ROWS1} and {@link #ROWS2}; see {@link NtkGraphBuilder} for the feeding convention.
     * {@link #KERNEL} does not include the parameters in {@link #exactParameters()}; {@link #compute} adds them.
     *
     * @return the graph (shared, not a copy: do not modify it)
     */
    public SameDiff ntkGraph() {
        return built.graph();
    }

    /** @return the graph this transform was built on (the user's graph, not a copy) */
    SameDiff sourceGraph() {
        return source;
    }

    /** @return the trainable variables the kernel sums over */
    public List<String> parameters() {
        return plan.parameters();
    }

    /** @return the trainable variables handled by the structured rule */
    public List<String> structuredParameters() {
        return plan.structuredParameters();
    }

    /** @return the trainable variables handled by exact per-example gradients */
    public List<String> exactParameters() {
        return plan.exactParameters();
    }

    /** @return o, the number of outputs */
    public int numOutputs() {
        return plan.outputs();
    }

    /** @return how the kernel is computed */
    public NtkImplementation implementation() {
        return implementation;
    }

    /** @return the output mode */
    public OutputMode outputMode() {
        return mode;
    }

    /** @return examples per tile */
    public int blockSize() {
        return blockSize;
    }

    /** @return the memory budget */
    public MemoryBudget memoryBudget() {
        return budget;
    }

    /** @return the kernel's data type (that of the output variable) */
    public DataType dataType() {
        return plan.dataType();
    }

    /**
     * {@code Θ(x1, x1)}.
     *
     * @param x1 features {@code [n1, d, ...]}
     * @return {@code [n1, n1]} (TRACE) or {@code [n1, n1, o, o]} (FULL), symmetric
     */
    public INDArray compute(INDArray x1) {
        return compute(x1, null);
    }

    /**
     * {@code Θ(x1, x2)} at the graph's current parameters.
     *
     * @param x1 features {@code [n1, d, ...]}
     * @param x2 features {@code [n2, d, ...]}, or {@code null} for {@code x1}
     * @return {@code [n1, n2]} (TRACE, mean over outputs) or {@code [n1, n2, o, o]} (FULL)
     * @throws IllegalArgumentException for missing, mis-shaped or non-finite features
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException when the result or a tile would not fit the budget
     */
    public INDArray compute(INDArray x1, INDArray x2) {
        boolean symmetric = x2 == null;
        INDArray a = features(x1, "x1");
        INDArray b = symmetric ? a : features(x2, "x2");
        long n1 = a.size(0), n2 = b.size(0);
        int o = plan.outputs();
        DataType type = plan.dataType();
        long[] shape = mode == OutputMode.TRACE ? new long[]{n1, n2} : new long[]{n1, n2, o, o};
        budget.check("the SameDiff NTK " + Arrays.toString(shape), MemoryBudget.bytes(type, shape)
                + tiles.tileBytes(Math.min(n1, blockSize), Math.min(n2, blockSize)), "compute fewer examples at a time"
                + (mode == OutputMode.FULL ? " or use OutputMode.TRACE" : "") + ", or a smaller blockSize");
        INDArray result = Nd4j.create(type, shape);
        if (n1 == 0 || n2 == 0) {
            return result;                 // as EmpiricalNtk: an empty kernel of the right shape, nothing computed
        }
        syncParameters();
        // exact-path Jacobians of x2's blocks are kept across row blocks when they fit a quarter of the budget
        boolean cacheB = tiles.hasExact() && n1 > blockSize
                && MemoryBudget.bytes(type, n2 * o, tiles.exactWidth()) <= budget.bytes() / 4;
        TileScheduler.TileSink sink = mode == OutputMode.TRACE ? new ArraySink(result, 1) : new FullArraySink(result, o);
        TileScheduler.run(new TileScheduler.Grid(n1, n2, blockSize, symmetric), new TileScheduler.TileComputer<Block>() {
            @Override
            public Block factors(long from, long to, boolean second) {
                INDArray x = GraphTiles.rows(second ? b : a, from, to);
                return new Block(x, tiles.hasExact() ? tiles.jacobian(x) : null);
            }

            @Override
            public void tile(Block f1, Block f2, boolean diagonal, INDArray out) {
                INDArray k = tiles.tile(f1.x(), f2.x(), diagonal, f1.jacobian(), f2.jacobian());
                out.assign(mode == OutputMode.TRACE ? k : KernelLayout.flatten(k));
            }
        }, sink, cacheB ? Long.MAX_VALUE : 0, (done, total) -> { });
        return result;
    }

    /** A block of examples and, when some parameters take the exact path, their per-example Jacobian. */
    private record Block(INDArray x, INDArray jacobian) {
    }

    private void syncParameters() {
        if (inPlace) {
            return;
        }
        for (String p : plan.parameters()) {
            SDVariable s = source.getVariable(p);
            if (s == null || s.getArr() == null) {
                throw new IllegalStateException("trainable variable '" + p + "' is no longer in the graph");
            }
            INDArray target = work.getVariable(p).getArr();
            if (!Arrays.equals(target.shape(), s.getArr().shape())) {
                throw new IllegalStateException("trainable variable '" + p + "' changed shape from "
                        + Arrays.toString(target.shape()) + " to " + Arrays.toString(s.getArr().shape())
                        + "; create a new SameDiffNtk");
            }
            target.assign(s.getArr());
        }
    }

    private INDArray features(INDArray x, String what) {
        Features.check(what, x, plan.featureShape(), " for placeholder '" + inputName + "'");
        return x.dataType() == inputType ? x : x.castTo(inputType);
    }

    @Override
    public String toString() {
        return "SameDiffNtk[" + inputName + " -> " + outputName + ", " + mode + ", o=" + plan.outputs()
                + ", structured=" + structuredParameters() + ", exact=" + exactParameters() + "]";
    }

    /** Validated builder of {@link SameDiffNtk}. */
    public static final class Builder {
        private final SameDiff sd;
        private final String inputName;
        private final String outputName;
        private OutputMode mode = OutputMode.TRACE;
        private int blockSize = 512;
        private boolean inPlace;
        private NtkImplementation implementation = NtkImplementation.AUTO;
        private MemoryBudget budget = MemoryBudget.defaultBudget();

        private Builder(SameDiff sd, String inputName, String outputName) {
            if (sd == null) {
                throw new IllegalArgumentException("SameDiff graph must not be null");
            }
            this.sd = sd;
            this.inputName = inputName;
            this.outputName = outputName;
        }

        /**
         * @param mode TRACE ({@code [n1, n2]}, mean over outputs) or FULL ({@code [n1, n2, o, o]})
         * @return this
         */
        public Builder outputMode(OutputMode mode) {
            this.mode = Checks.notNull("outputMode", mode);
            return this;
        }

        /**
         * @param blockSize examples per tile, &gt; 0; bounds the memory of one forward/backward pass
         * @return this
         */
        public Builder blockSize(int blockSize) {
            this.blockSize = Checks.positive("blockSize", blockSize);
            return this;
        }

        /**
         * @param inPlace true to add the NTK ops to the graph itself instead of a copy (saves one copy of the
         *                parameters; adds {@code ntk/}-prefixed variables and the sub-function {@code "ntk"})
         * @return this
         */
        public Builder inPlace(boolean inPlace) {
            this.inPlace = inPlace;
            return this;
        }

        /**
         * @param implementation {@link NtkImplementation#AUTO} (default): the structured rules where they apply, exact
         *                       per-example gradients elsewhere; {@link NtkImplementation#STRUCTURED}: structured
         *                       rules only, refused (naming the variables) when a parameter has none;
         *                       {@link NtkImplementation#JACOBIAN}: exact per-example gradients for every parameter
         *                       (one backward pass per example and output: slow, the reference)
         * @return this
         */
        public Builder implementation(NtkImplementation implementation) {
            this.implementation = Checks.notNull("implementation", implementation);
            return this;
        }

        /**
         * @param bytes the memory a {@link #compute} call may use, &gt; 0
         * @return this
         */
        public Builder memoryBudgetBytes(long bytes) {
            return memoryBudget(MemoryBudget.ofBytes(Checks.positive("memoryBudgetBytes", bytes)));
        }

        /**
         * @param budget the memory a {@link #compute} call may use; checked before computing
         * @return this
         */
        public Builder memoryBudget(MemoryBudget budget) {
            this.budget = Checks.notNull("memoryBudget", budget);
            return this;
        }

        /**
         * @return the transform, built on a copy of the graph unless {@link #inPlace(boolean)}
         * @throws IllegalArgumentException naming the problem when the names or shapes do not fit
         */
        public SameDiffNtk build() {
            return new SameDiffNtk(this);
        }
    }
}
