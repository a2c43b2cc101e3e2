package org.ntk4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.network.internal.FeatureChecks;
import org.ntk4j.dl4j.network.NetworkAdapter;
import org.ntk4j.dl4j.network.NetworkAdapters;
import org.ntk4j.dl4j.network.internal.ComputePlan;
import org.ntk4j.dl4j.network.internal.DenseChain;
import org.ntk4j.dl4j.network.internal.NtkEngine;
import org.ntk4j.dl4j.network.internal.ParamMode;
import org.ntk4j.dl4j.network.internal.Stacking;
import org.ntk4j.dl4j.network.internal.Unit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * The empirical Neural Tangent Kernel {@code Θ(x, x') = J(x) J(x')ᵀ} of a DL4J network at its current parameters.
 *
 * <p>{@code J(x)} is the Jacobian of {@code net.output(x)} (after the output activation, inference mode: dropout off,
 * BatchNormalization with its running statistics) w.r.t. every trainable parameter in DL4J's own layout; frozen layers
 * and BatchNormalization's running mean/variance are not parameters. The kernel is in the network's data type.
 *
 * <p>Outputs of any shape: an example's {@code m} output entries are numbered in the C order of its slice
 * {@code output(x)[i]} (a sequence output NCW {@code [n, o, T]} has {@code m = o·T}, entry {@code k·T + t}); a
 * ComputationGraph's outputs are concatenated per example in {@code setOutputs} order (or pick some with
 * {@link Builder#outputs}). FULL is {@code [n1, n2, m, m]}, TRACE the mean over the {@code m} entries;
 * {@link #describe} names the layout.
 *
 * <pre>{@code
 * EmpiricalNtk ntk = EmpiricalNtk.builder()
 *         .implementation(NtkImplementation.AUTO)
 *         .outputMode(OutputMode.TRACE)      // [n1, n2], mean over outputs; FULL gives [n1, n2, o, o]
 *         .blockSize(512)                    // examples per tile
 *         .build();
 * INDArray k12 = ntk.compute(net, x1, x2);   // x1 [n1, d], x2 [n2, d]
 * INDArray k11 = ntk.compute(net, x1);       // [n1, n1], symmetric PSD
 * }</pre>
 *
 * <p>Memory is bounded by tiling: the kernel is computed in tiles of {@code blockSize × blockSize} examples, and
 * the bytes a computation needs are estimated before anything is allocated; above the {@link MemoryBudget} it is
 * refused with the estimate and what to change. The network is never modified (the engine runs a private twin that
 * shares its parameter array read-only), and ND4J's random generator is not used. Instances are immutable and
 * thread-safe; one network must not be trained while its kernel is computed. An instance keeps the twin of the last
 * network it computed (a few small objects and one gradient array of the network's size) and reuses it while the
 * network is the same object with the same parameter array, which makes repeated calls (listeners) cheap.
 */
public final class EmpiricalNtk {
    private static final Logger log = LoggerFactory.getLogger(EmpiricalNtk.class);

    private final NtkImplementation implementation;
    private final OutputMode outputMode;
    private final int blockSize;
    private final MemoryBudget budget;
    private final NtkProgress progress;
    private final java.util.List<String> outputs;
    /** The plan of the last network seen, reused while it is the same object with the same parameter array. */
    private final java.util.concurrent.atomic.AtomicReference<CachedPlan> lastPlan =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** A network's plan and the probe results per input shape. */
    private record CachedPlan(java.lang.ref.WeakReference<Model> model, INDArray params, ComputePlan plan,
                              java.util.Map<String, long[]> probes, DenseChain chain) {
    }

    private EmpiricalNtk(Builder b) {
        this.implementation = b.implementation;
        this.outputMode = b.outputMode;
        this.blockSize = b.blockSize;
        this.budget = b.budget == null ? MemoryBudget.defaultBudget() : b.budget;
        this.progress = b.progress;
        this.outputs = java.util.List.copyOf(b.outputs);
    }

    /** @return a builder with defaults AUTO, TRACE, block size 512, the default memory budget */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the implementation */
    public NtkImplementation implementation() {
        return implementation;
    }

    /** @return the output mode */
    public OutputMode outputMode() {
        return outputMode;
    }

    /** @return examples per tile */
    public int blockSize() {
        return blockSize;
    }

    /** @return the memory budget */
    public MemoryBudget memoryBudget() {
        return budget;
    }

    /**
     * @param model a MultiLayerNetwork or single-input ComputationGraph
     * @param x1    features {@code [n1, ...]}
     * @return {@code Θ(x1, x1)}: {@code [n1, n1]} (TRACE) or {@code [n1, n1, m, m]} (FULL)
     */
    public INDArray compute(Model model, INDArray x1) {
        return compute(model, x1, null);
    }

    /**
     * @param model a MultiLayerNetwork or single-input ComputationGraph
     * @param x1    features {@code [n1, ...]}
     * @param x2    features {@code [n2, ...]}, or null for {@code x1}
     * @return {@code Θ(x1, x2)}: {@code [n1, n2]} (TRACE) or {@code [n1, n2, m, m]} (FULL)
     */
    public INDArray compute(Model model, INDArray x1, INDArray x2) {
        return compute(model, new INDArray[]{x1}, x2 == null ? null : new INDArray[]{x2});
    }

    /**
     * Multi-input form, for ComputationGraphs with several inputs.
     *
     * @param model a MultiLayerNetwork or ComputationGraph
     * @param x1    one features array per network input, each {@code [n1, ...]}
     * @param x2    same for the second set, or null for {@code x1}
     * @return {@code [n1, n2]} (TRACE) or {@code [n1, n2, m, m]} (FULL)
     */
    public INDArray compute(Model model, INDArray[] x1, INDArray[] x2) {
        return compute(model, x1, x2, null, null);
    }

    /**
     * Variable-length sequences: the kernel of {@code net.output(x, false, mask, null)}, DL4J's own masked output.
     * Masked time steps contribute nothing: recurrent layers, pooling, LastTimeStep and attention apply the mask as
     * DL4J does, and an RnnOutputLayer's entries at masked steps are zero (zero rows and columns of FULL; TRACE
     * still divides by all m entries).
     *
     * @param model a MultiLayerNetwork or single-input ComputationGraph
     * @param x1    sequences {@code [n1, c, T1]} (NCW) or {@code [n1, T1, c]} (NWC)
     * @param x2    sequences {@code [n2, ...]}, or null for {@code x1}
     * @param mask1 feature mask {@code [n1, T1]} (1 = step present, 0 = padding), or null
     * @param mask2 feature mask {@code [n2, T2]}, or null; must be null when x2 is
     * @return {@code [n1, n2]} (TRACE) or {@code [n1, n2, m, m]} (FULL)
     */
    public INDArray compute(Model model, INDArray x1, INDArray x2, INDArray mask1, INDArray mask2) {
        return compute(model, new INDArray[]{x1}, x2 == null ? null : new INDArray[]{x2},
                mask1 == null ? null : new INDArray[]{mask1}, mask2 == null ? null : new INDArray[]{mask2});
    }

    /**
     * Multi-input form with feature masks (see {@link #compute(Model, INDArray, INDArray, INDArray, INDArray)}).
     *
     * @param model  a MultiLayerNetwork or ComputationGraph
     * @param x1     features per network input, each {@code [n1, ...]}
     * @param x2     features per network input, each {@code [n2, ...]}, or {@code null} for {@code x1} with itself
     * @param masks1 per network input a mask {@code [n1, T]} or null; the array may be null
     * @param masks2 same for x2; must be null when x2 is
     * @return {@code [n1, n2]} (TRACE) or {@code [n1, n2, m, m]} (FULL)
     */
    public INDArray compute(Model model, INDArray[] x1, INDArray[] x2, INDArray[] masks1, INDArray[] masks2) {
        NetworkAdapter adapter = NetworkAdapters.of(model);
        DataType type = adapter.dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("unsupported network data type " + type
                    + ": ntk4j computes in FLOAT or DOUBLE; build the network with .dataType(DataType.FLOAT) or DOUBLE");
        }
        boolean symmetric = x2 == null;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            CachedPlan cached = planFor(model, adapter);
            ComputePlan plan = cached.plan();
            INDArray[] a = FeatureChecks.check("x1", x1, plan, null, type);
            INDArray[] b = symmetric ? a : FeatureChecks.check("x2", x2, plan, a, type);
            if (symmetric && masks2 != null) {
                throw new IllegalArgumentException("mask2 given without x2: pass x2 as well, or only mask1 for Θ(x1, x1)");
            }
            INDArray[] m1 = FeatureChecks.masks("mask1", masks1, a, type);
            INDArray[] m2 = symmetric ? m1 : FeatureChecks.masks("mask2", masks2, b, type);
            checkImplementation(plan);
            synchronized (plan) { // the plan's twin network holds per-call state
                return run(cached, new Side(a, m1), new Side(b, m2), symmetric, type);
            }
        }
    }

    private CachedPlan planFor(Model model, NetworkAdapter adapter) {
        CachedPlan c = lastPlan.get();
        if (c != null && c.model().get() == model && c.params() == model.params()) {
            return c;
        }
        ComputePlan plan = adapter.plan();
        CachedPlan fresh = new CachedPlan(new java.lang.ref.WeakReference<>(model), model.params(), plan,
                new java.util.concurrent.ConcurrentHashMap<>(), DenseChain.of(plan, ParamMode.STRUCTURED));
        lastPlan.set(fresh);
        return fresh;
    }

    /**
     * @param model a network
     * @return one line per unit of the network with the rule the engine uses for it (for reports)
     */
    public String describe(Model model) {
        ComputePlan plan = planFor(model, NetworkAdapters.of(model)).plan();
        StringBuilder sb = new StringBuilder();
        for (Unit u : plan.units()) {
            String how = !u.rule().hasParameters() ? "no parameters"
                    : implementation == NtkImplementation.JACOBIAN ? "per-example gradients"
                    : u.rule().structured() ? "structured rule" : "exact per-example fallback";
            sb.append(u.name()).append(": ").append(how).append('\n');
        }
        int[] ids = plan.select(outputs);
        for (int h = 0; h < ids.length; h++) {
            int k = java.util.Arrays.stream(plan.outputIds()).boxed().toList().indexOf(ids[h]);
            sb.append("output ").append(h).append(": '").append(plan.outputNames().get(k)).append("' ")
                    .append(plan.outputLayouts().get(k)).append('\n');
        }
        if (ids.length > 1) {
            sb.append("outputs concatenated per example in this order (FULL [n1, n2, m, m] includes the cross-output blocks)\n");
        }
        sb.append("trainable parameters: ").append(plan.numParams());
        return sb.toString();
    }

    /**
     * The number {@code m} of output entries per example of the kernels this instance computes for features shaped
     * like {@code x}: FULL kernels are {@code [n1, n2, m, m]}, TRACE ones the mean over the {@code m}. These are the
     * network's outputs (or those chosen with {@link Builder#outputs}) flattened per example, as in {@link #compute}.
     * Costs one forward and backward pass of one example, once per input shape: the count is kept with the network's
     * plan, and a later {@link #compute} of features of that shape does not repeat it.
     *
     * @param model a MultiLayerNetwork or ComputationGraph
     * @param x     one features array per network input, each {@code [n, ...]} with n &ge; 1 (only the first example
     *              is used)
     * @return m &ge; 1
     * @throws IllegalArgumentException when the features do not fit the network (the messages of {@link #compute})
     */
    @SuppressWarnings("try") // the workspace scope is used for its side effect
    public int outputsPerExample(Model model, INDArray... x) {
        NetworkAdapter adapter = NetworkAdapters.of(model);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            CachedPlan cached = planFor(model, adapter);
            INDArray[] a = FeatureChecks.check("x", x, cached.plan(), null, adapter.dataType());
            if (a[0].size(0) == 0) {
                throw new IllegalArgumentException("x: expected at least one example to count the outputs of (got: shape "
                        + Arrays.toString(a[0].shape()) + ")");
            }
            ParamMode pm = implementation == NtkImplementation.JACOBIAN ? ParamMode.JACOBIAN : ParamMode.STRUCTURED;
            NtkEngine engine = new NtkEngine(cached.plan(), pm, cached.plan().select(outputs));
            synchronized (cached.plan()) { // the plan's twin network holds per-call state
                return (int) probe(cached, engine, pm, new Side(a, null))[0];
            }
        }
    }

    private void checkImplementation(ComputePlan plan) {
        if (implementation != NtkImplementation.STRUCTURED) {
            return;
        }
        for (Unit u : plan.units()) {
            if (u.rule().hasParameters() && !u.rule().structured()) {
                throw new IllegalArgumentException(u.name() + " has no structured rule; use NtkImplementation.AUTO"
                        + " (structured rules where they exist, the exact fallback elsewhere) or JACOBIAN");
            }
        }
    }

    /** One side of the kernel: features and masks (null when none). */
    private record Side(INDArray[] x, INDArray[] masks) {
        Side rows(long from, long to) {
            return new Side(slice(x, from, to), masks == null ? null : slice(masks, from, to));
        }
    }

    private long[] probe(CachedPlan cached, NtkEngine engine, ParamMode pm, Side side) {
        Side one = side.rows(0, 1);
        StringBuilder key = new StringBuilder(pm.name()).append(outputs);
        for (INDArray p : one.x()) {
            key.append(Arrays.toString(p.shape()));
        }
        return cached.probes().computeIfAbsent(key.toString(), k -> {
            NtkEngine.BlockFactors f = engine.factors(one.x(), one.masks());
            return new long[]{f.outputs(), f.factorBytes() + f.activationBytes() * (1L + f.outputs())};
        });
    }

    private INDArray run(CachedPlan cached, Side side1, Side side2, boolean symmetric, DataType type) {
        INDArray[] x1 = side1.x(), x2 = side2.x();
        ComputePlan plan = cached.plan();
        ParamMode pm = implementation == NtkImplementation.JACOBIAN ? ParamMode.JACOBIAN : ParamMode.STRUCTURED;
        NtkEngine engine = new NtkEngine(plan, pm, plan.select(outputs));
        long n1 = x1[0].size(0), n2 = x2[0].size(0);
        boolean trace = outputMode == OutputMode.TRACE;

        // probe one example (once per input shape): number of outputs and bytes per example
        long[] probe = probe(cached, engine, pm, n1 > 0 ? side1 : side2);
        if (n1 > 0 && n2 > 0 && !symmetric) {
            long[] probe2 = probe(cached, engine, pm, side2);
            if (probe2[0] != probe[0]) {
                throw new IllegalArgumentException("x1 gives " + probe[0] + " outputs per example and x2 gives "
                        + probe2[0] + " (sequence outputs of different lengths): the kernel needs the same outputs on"
                        + " both sides; pad the shorter sequences to the same length and pass masks");
            }
            probe = new long[]{probe[0], Math.max(probe[1], probe2[1])};
        }
        int o = (int) probe[0];
        long perExample = probe[1];
        long b1 = Math.min(blockSize, Math.max(n1, 1)), b2 = Math.min(blockSize, Math.max(n2, 1));
        long result = trace ? MemoryBudget.bytes(type, n1, n2) : 2 * MemoryBudget.bytes(type, n1 * o, n2 * o);
        long temps = trace ? 2 * MemoryBudget.bytes(type, b1, b2) : 3 * MemoryBudget.bytes(type, b1 * o, b2 * o);
        long needed = result + perExample * (b1 + b2) + temps;
        budget.check("the empirical NTK of " + n1 + " x " + n2 + " examples (" + o + " outputs, " + outputMode
                        + ", " + implementation + ", block size " + blockSize + ")", needed,
                (trace ? "" : "use OutputMode.TRACE, ") + "use a smaller blockSize (now " + blockSize
                        + "), compute the kernel in pieces of x1, or raise the budget with memoryBudgetBytes(...)");
        log.debug("empirical NTK {}x{}, {} outputs, {} params, estimate {}", n1, n2, o, plan.numParams(),
                MemoryBudget.human(needed));

        long nb1 = (n1 + blockSize - 1) / blockSize, nb2 = (n2 + blockSize - 1) / blockSize;
        long total = symmetric ? nb1 * (nb1 + 1) / 2 : nb1 * nb2, done = 0;
        if (n1 > 0 && n2 > 0 && pm == ParamMode.STRUCTURED && cached.chain() != null && side1.masks() == null
                && side2.masks() == null && outputs.isEmpty()) {
            // every entry is written by a tile: no zero fill; FULL tiles go straight into the [n1, n2, o, o] layout
            INDArray k = trace ? Nd4j.createUninitialized(type, new long[]{n1, n2}, 'c')
                    : Nd4j.createUninitialized(type, new long[]{n1, n2, o, o}, 'c');
            runChain(cached.chain(), x1[0], x2[0], symmetric, trace, k, nb1, nb2, total);
            return trace && o > 1 ? k.divi(o) : k;
        }
        INDArray out = trace ? Nd4j.create(type, n1, n2) : Nd4j.create(type, n1 * o, n2 * o);
        if (n1 == 0 || n2 == 0) {
            return finish(out, trace, o, n1, n2);
        }
        // keep the second side's block factors when they fit, instead of recomputing them for every row of tiles
        boolean cache = nb2 > 1 && budget.bytes() >= needed + perExample * n2;
        java.util.Map<Long, NtkEngine.BlockFactors> tiles = new java.util.HashMap<>();
        for (long i = 0; i < nb1; i++) {
            long s1 = i * blockSize, e1 = Math.min(n1, s1 + blockSize);
            NtkEngine.BlockFactors f1 = symmetric && cache && tiles.containsKey(i)
                    ? tiles.remove(i) : factors(engine, side1.rows(s1, e1));
            for (long j = symmetric ? i : 0; j < nb2; j++) {
                long s2 = j * blockSize, e2 = Math.min(n2, s2 + blockSize);
                NtkEngine.BlockFactors f2;
                if (symmetric && i == j) {
                    f2 = f1;
                } else if (tiles.containsKey(j)) {
                    f2 = tiles.get(j);
                } else {
                    f2 = factors(engine, side2.rows(s2, e2));
                    if (cache) {
                        tiles.put(j, f2);
                    }
                }
                INDArray tile = NtkEngine.contract(f1, f2, trace);
                if (tile != null) {
                    int m = trace ? 1 : o;
                    out.get(NDArrayIndex.interval(s1 * m, e1 * m), NDArrayIndex.interval(s2 * m, e2 * m)).assign(tile);
                    if (symmetric && i != j) {
                        out.get(NDArrayIndex.interval(s2 * m, e2 * m), NDArrayIndex.interval(s1 * m, e1 * m))
                                .assign(tile.transpose());
                    }
                }
                progress.update(++done, total);
            }
        }
        return finish(out, trace, o, n1, n2);
    }

    /**
     * The tile loop of the dense-chain fast path: tiles written in place ({@code [n1, n2]} trace or the blocked
     * {@code [n1, n2, o, o]} FULL layout), symmetric tiles once and mirrored.
     */
    private void runChain(DenseChain chain, INDArray x1, INDArray x2, boolean symmetric, boolean trace, INDArray out,
                          long nb1, long nb2, long total) {
        long n1 = x1.size(0), n2 = x2.size(0), done = 0;
        for (long i = 0; i < nb1; i++) {
            long s1 = i * blockSize, e1 = Math.min(n1, s1 + blockSize);
            chain.first(Stacking.rows(x1, s1, e1));
            for (long j = symmetric ? i : 0; j < nb2; j++) {
                long s2 = j * blockSize, e2 = Math.min(n2, s2 + blockSize);
                INDArray region = block(out, trace, s1, e1, s2, e2);
                chain.tile(symmetric && i == j ? null : Stacking.rows(x2, s2, e2), trace, region);
                if (symmetric && i != j) {
                    block(out, trace, s2, e2, s1, e1).assign(trace ? region.transpose() : region.permute(1, 0, 3, 2));
                }
                progress.update(++done, total);
            }
        }
    }

    private static INDArray block(INDArray out, boolean trace, long s1, long e1, long s2, long e2) {
        return trace ? out.get(NDArrayIndex.interval(s1, e1), NDArrayIndex.interval(s2, e2))
                : out.get(NDArrayIndex.interval(s1, e1), NDArrayIndex.interval(s2, e2), NDArrayIndex.all(),
                NDArrayIndex.all());
    }

    private static NtkEngine.BlockFactors factors(NtkEngine engine, Side block) {
        return engine.factors(block.x(), block.masks());
    }

    private static INDArray finish(INDArray out, boolean trace, int o, long n1, long n2) {
        if (trace) {
            return out.isEmpty() || o == 1 ? out : out.divi(o);
        }
        return n1 == 0 || n2 == 0 ? Nd4j.create(out.dataType(), n1, n2, o, o) : KernelLayout.unflatten(out, o);
    }

    private static INDArray[] slice(INDArray[] x, long from, long to) {
        INDArray[] r = new INDArray[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i] == null ? null : Stacking.rows(x[i], from, to);
        }
        return r;
    }

    /** Validated builder of {@link EmpiricalNtk}. */
    public static final class Builder {
        private NtkImplementation implementation = NtkImplementation.AUTO;
        private OutputMode outputMode = OutputMode.TRACE;
        private int blockSize = 512;
        private MemoryBudget budget;
        private NtkProgress progress = NtkProgress.NONE;
        private java.util.List<String> outputs = java.util.List.of();

        private Builder() {
        }

        /**
         * @param names the ComputationGraph outputs whose kernel is computed, in this order (default: all outputs in
         *              {@code setOutputs} order, concatenated per example); a MultiLayerNetwork's one output is named
         *              by its last layer's index
         * @return this
         */
        public Builder outputs(String... names) {
            if (names == null) {
                throw new IllegalArgumentException("outputs must not be null (got: null); pass no names for all outputs");
            }
            for (String n : names) {
                Checks.notNull("output name", n);
            }
            this.outputs = java.util.List.of(names);
            return this;
        }

        /**
         * @param implementation STRUCTURED, JACOBIAN or AUTO (default)
         * @return this
         */
        public Builder implementation(NtkImplementation implementation) {
            this.implementation = Checks.notNull("implementation", implementation);
            return this;
        }

        /**
         * @param outputMode TRACE (default) or FULL
         * @return this
         */
        public Builder outputMode(OutputMode outputMode) {
            this.outputMode = Checks.notNull("outputMode", outputMode);
            return this;
        }

        /**
         * @param blockSize examples per tile, &gt; 0 (default 512); smaller bounds memory tighter
         * @return this
         */
        public Builder blockSize(int blockSize) {
            this.blockSize = Checks.positive("blockSize", blockSize);
            return this;
        }

        /**
         * @param bytes memory budget in bytes, &gt; 0 (default: half the off-heap limit)
         * @return this
         */
        public Builder memoryBudgetBytes(long bytes) {
            this.budget = MemoryBudget.ofBytes(Checks.positive("memoryBudgetBytes", bytes));
            return this;
        }

        /**
         * @param progress receives tile progress (default none)
         * @return this
         */
        public Builder progress(NtkProgress progress) {
            if (progress == null) {
                throw new IllegalArgumentException("progress must not be null (got: null); use NtkProgress.NONE");
            }
            this.progress = progress;
            return this;
        }

        /** @return the immutable EmpiricalNtk */
        public EmpiricalNtk build() {
            return new EmpiricalNtk(this);
        }
    }
}
