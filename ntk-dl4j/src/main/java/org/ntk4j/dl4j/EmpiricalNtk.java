package org.ntk4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.internal.ArraySink;
import org.ntk4j.core.kernel.internal.BlockedArraySink;
import org.ntk4j.core.kernel.internal.TileScheduler;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.internal.EmpiricalFiles;
import org.ntk4j.dl4j.internal.EmpiricalJob;
import org.ntk4j.dl4j.internal.EmpiricalTiles;
import org.ntk4j.dl4j.internal.EmpiricalTiles.Side;
import org.ntk4j.dl4j.network.internal.FeatureChecks;
import org.ntk4j.dl4j.network.NetworkAdapter;
import org.ntk4j.dl4j.network.NetworkAdapters;
import org.ntk4j.dl4j.network.internal.ComputePlan;
import org.ntk4j.dl4j.network.internal.DenseChain;
import org.ntk4j.dl4j.network.internal.ParamMode;
import org.ntk4j.dl4j.network.internal.Stacking;
import org.ntk4j.dl4j.network.internal.Unit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
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
 * refused with the estimate and what to change; a kernel larger than memory can be written to a {@code .npy} file tile
 * by tile instead ({@link #computeToFile}, resumable). The network is never modified (the engine runs a private twin that
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
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            Input in = input(model, x1, x2, masks1, masks2);
            synchronized (in.cached().plan()) { // the plan's twin network holds per-call state
                return run(in.cached(), in.side1(), in.side2(), in.symmetric(), in.type());
            }
        }
    }

    /**
     * Writes {@code Θ(x1, x2)} to a {@code .npy} file tile by tile, for kernels that do not fit in memory: FLOAT
     * entries (whatever the network's type). See {@link #computeToFile(Model, INDArray, INDArray, Path, DataType)}.
     *
     * @param model a MultiLayerNetwork or single-input ComputationGraph
     * @param x1    features {@code [n1, ...]}, n1 &gt; 0
     * @param x2    features {@code [n2, ...]}, or null for {@code x1}
     * @param out   the {@code .npy} file to write
     * @return what was written
     */
    public KernelFileResult computeToFile(Model model, INDArray x1, INDArray x2, Path out) {
        return computeToFile(model, x1, x2, out, DataType.FLOAT);
    }

    /**
     * Writes {@code Θ(x1, x2)} to a {@code .npy} file tile by tile, holding only a few tiles in memory whatever
     * {@code n1, n2} are (the memory budget bounds the tiles' work, not the kernel): TRACE gives a
     * {@code [n1, n2]} array, FULL its flattened example-major {@code [n1·o, n2·o]} layout. Symmetric kernels
     * ({@code x2} null) compute each tile above the diagonal once and write it mirrored. The file is
     * {@code out.partial} (with the ledger {@code out.ledger} of finished tiles) until the last tile, then renamed to
     * {@code out}; after an interruption the same call continues where it stopped, and a partial file or ledger of
     * another computation is refused, never overwritten (see {@link KernelFile}). Entries equal those of
     * {@link #compute} on the same rows and columns, cast to {@code fileType}. Progress goes to the
     * {@link Builder#progress} receiver.
     *
     * @param model    a MultiLayerNetwork or single-input ComputationGraph
     * @param x1       features {@code [n1, ...]}, n1 &gt; 0
     * @param x2       features {@code [n2, ...]}, or null for {@code x1}
     * @param out      the {@code .npy} file to write (replaced when it exists)
     * @param fileType FLOAT or DOUBLE (the network's type keeps every bit of a DOUBLE network's kernel)
     * @return what was written and how many tiles were computed or resumed
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException when even the tiles' work exceeds the budget
     * @throws org.ntk4j.core.io.ArrayFormatException              when a foreign or damaged partial file is in the way
     */
    public KernelFileResult computeToFile(Model model, INDArray x1, INDArray x2, Path out, DataType fileType) {
        Checks.notNull("out", out);
        Checks.notNull("fileType", fileType);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            Input in = input(model, new INDArray[]{x1}, x2 == null ? null : new INDArray[]{x2}, null, null);
            synchronized (in.cached().plan()) {
                EmpiricalJob job = job(in.cached(), in.side1(), in.side2(), in.symmetric(), in.type());
                return EmpiricalFiles.write(job.grid(), job.computer(), job.chain(), spec(model, job, fileType), out,
                        job.type(), job.tileBytes(), job.perExample(), budget, job.what(), progress::update);
            }
        }
    }

    /**
     * The file {@link #computeToFile} writes for these arguments: shape, type, tiles and the fingerprint that a
     * resumed or distributed run must match (for writers that compute tiles elsewhere, e.g. on Spark executors,
     * with {@link #computeTile}).
     *
     * @param model    the network
     * @param x1       features {@code [n1, ...]}
     * @param x2       features {@code [n2, ...]}, or null for {@code x1}
     * @param fileType FLOAT or DOUBLE
     * @return the kernel file's description
     */
    public KernelFileSpec fileSpec(Model model, INDArray x1, INDArray x2, DataType fileType) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            Input in = input(model, new INDArray[]{x1}, x2 == null ? null : new INDArray[]{x2}, null, null);
            synchronized (in.cached().plan()) {
                return spec(model, job(in.cached(), in.side1(), in.side2(), in.symmetric(), in.type()), fileType);
            }
        }
    }

    /**
     * One tile of {@link #computeToFile}'s file, exactly as it writes it: rows {@code [bi·blockSize, …)} of
     * {@code x1} against columns {@code [bj·blockSize, …)} of {@code x2} (of {@code x1} when null), in the file's
     * layout {@code [rows·m, cols·m]} (TRACE: m = 1, the mean over outputs; FULL: m = o, example-major) and the
     * network's type. A symmetric kernel's tiles have {@code bj ≥ bi}.
     *
     * @param model the network
     * @param x1    features {@code [n1, ...]}
     * @param x2    features {@code [n2, ...]}, or null for the symmetric kernel of {@code x1}
     * @param bi    row block
     * @param bj    column block
     * @return the tile
     */
    public INDArray computeTile(Model model, INDArray x1, INDArray x2, long bi, long bj) {
        Checks.notNull("x1", x1);
        long n1 = x1.size(0), n2 = x2 == null ? n1 : x2.size(0);
        TileScheduler.Grid grid = new TileScheduler.Grid(n1, n2, blockSize, x2 == null);
        if (!grid.contains(bi, bj)) {
            throw new IllegalArgumentException("tile (" + bi + ", " + bj + ") is not in the grid of " + grid.rowBlocks()
                    + " x " + grid.colBlocks() + " blocks of " + blockSize + " examples"
                    + (x2 == null ? " (symmetric: column >= row)" : ""));
        }
        INDArray rows = Stacking.rows(x1, grid.start(bi), grid.rowEnd(bi));
        INDArray k = x2 == null && bi == bj ? compute(model, rows)
                : compute(model, rows, Stacking.rows(x2 == null ? x1 : x2, grid.start(bj), grid.colEnd(bj)));
        return k.rank() == 4 ? KernelLayout.flatten(k) : k;
    }

    private KernelFileSpec spec(Model model, EmpiricalJob job, DataType fileType) {
        return job.fileSpec(fileType, model.getClass().getName() + "\n" + describe(model), model.params());
    }

    /** Validated inputs of one computation. */
    private record Input(CachedPlan cached, Side side1, Side side2, boolean symmetric, DataType type) {
    }

    private Input input(Model model, INDArray[] x1, INDArray[] x2, INDArray[] masks1, INDArray[] masks2) {
        NetworkAdapter adapter = NetworkAdapters.of(model);
        DataType type = adapter.dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("unsupported network data type " + type
                    + ": ntk4j computes in FLOAT or DOUBLE; build the network with .dataType(DataType.FLOAT) or DOUBLE");
        }
        boolean symmetric = x2 == null;
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
        return new Input(cached, new Side(a, m1), new Side(b, m2), symmetric, type);
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
            synchronized (cached.plan()) { // the plan's twin network holds per-call state
                Side one = new Side(a, null);
                return job(cached, one, one, true, adapter.dataType()).o();
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

    private EmpiricalJob job(CachedPlan cached, Side side1, Side side2, boolean symmetric, DataType type) {
        return EmpiricalJob.of(new EmpiricalJob.Settings(implementation, outputMode, outputs, blockSize), cached.plan(),
                cached.chain(), cached.probes(), side1, side2, symmetric, type);
    }

    private INDArray run(CachedPlan cached, Side side1, Side side2, boolean symmetric, DataType type) {
        EmpiricalJob job = job(cached, side1, side2, symmetric, type);
        long n1 = job.n1(), n2 = job.n2();
        int o = job.o();
        boolean trace = job.trace();
        long result = trace ? MemoryBudget.bytes(type, n1, n2) : 2 * MemoryBudget.bytes(type, n1 * o, n2 * o);
        long needed = result + job.tileBytes();
        budget.check(job.what(), needed, (trace ? "" : "use OutputMode.TRACE, ") + "use a smaller blockSize (now "
                + blockSize + "), compute the kernel in pieces of x1, write it to a file with computeToFile(...),"
                + " or raise the budget with memoryBudgetBytes(...)");
        log.debug("empirical NTK {}x{}, {} outputs, {} params, estimate {}", n1, n2, o, cached.plan().numParams(),
                MemoryBudget.human(needed));
        if (job.chain() && n1 > 0 && n2 > 0) {
            // every entry is written by a tile: no zero fill; FULL tiles accumulate straight into [n1, n2, o, o]
            INDArray k = trace ? Nd4j.createUninitialized(type, new long[]{n1, n2}, 'c')
                    : Nd4j.createUninitialized(type, new long[]{n1, n2, o, o}, 'c');
            TileScheduler.run(job.grid(), job.computer(), trace ? new ArraySink(k, 1) : new BlockedArraySink(k), 0,
                    progress::update);
            return k;
        }
        INDArray out = trace ? Nd4j.create(type, n1, n2) : Nd4j.create(type, n1 * o, n2 * o);
        if (n1 == 0 || n2 == 0) {
            return finish(out, trace, o, n1, n2);
        }
        TileScheduler.Grid grid = job.grid();
        // keep the second side's block factors when they fit, instead of recomputing them for every row of tiles
        boolean cache = !job.chain() && grid.colBlocks() > 1 && budget.bytes() >= needed + job.perExample() * n2;
        TileScheduler.run(grid, job.computer(), new ArraySink(out, job.m()), cache ? Long.MAX_VALUE : 0,
                progress::update);
        return finish(out, trace, o, n1, n2);
    }

    private static INDArray finish(INDArray out, boolean trace, int o, long n1, long n2) {
        if (trace) {
            return out;
        }
        return n1 == 0 || n2 == 0 ? Nd4j.create(out.dataType(), n1, n2, o, o) : KernelLayout.unflatten(out, o);
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
            return memoryBudget(MemoryBudget.ofBytes(Checks.positive("memoryBudgetBytes", bytes)));
        }

        /**
         * @param budget the memory a {@code compute} call may use, checked before anything is allocated (default:
         *               {@link MemoryBudget#defaultBudget()})
         * @return this
         */
        public Builder memoryBudget(MemoryBudget budget) {
            this.budget = Checks.notNull("memoryBudget", budget);
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
