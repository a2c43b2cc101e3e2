package org.ntk4j.dl4j.internal;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.internal.ArraySink;
import org.ntk4j.core.kernel.internal.BlockedArraySink;
import org.ntk4j.core.kernel.internal.TileScheduler;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.NtkProgress;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.internal.EmpiricalTiles.Side;
import org.ntk4j.dl4j.network.NetworkAdapter;
import org.ntk4j.dl4j.network.NetworkAdapters;
import org.ntk4j.dl4j.network.internal.ComputePlan;
import org.ntk4j.dl4j.network.internal.DenseChain;
import org.ntk4j.dl4j.network.internal.FeatureChecks;
import org.ntk4j.dl4j.network.internal.ParamMode;
import org.ntk4j.dl4j.network.internal.Unit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.function.Function;

/**
 * The computations behind {@code EmpiricalNtk}: the plan of the last network seen (reused while it is the same object
 * with the same parameter array), the validation of features and masks, and the in-memory run of the tiles into one
 * kernel array (the dense chain straight into {@code [n1, n2]} or {@code [n1, n2, o, o]}, the general engine through
 * the flattened layout). {@link EmpiricalOutOfCore} writes the same tiles to a file. Thread-safe: a network's plan is
 * locked for the length of a computation (its twin network holds per-call state). Not API.
 */
public final class EmpiricalRunner {
    private static final Logger log = LoggerFactory.getLogger(EmpiricalRunner.class);

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

    /**
     * @param settings implementation, output mode, selected outputs and block size of the EmpiricalNtk
     * @param budget   the memory budget every computation is checked against
     * @param progress receives tile progress
     */
    public EmpiricalRunner(EmpiricalJob.Settings settings, MemoryBudget budget, NtkProgress progress) {
        this.implementation = settings.implementation();
        this.outputMode = settings.mode();
        this.blockSize = settings.blockSize();
        this.budget = budget;
        this.progress = progress;
        this.outputs = java.util.List.copyOf(settings.outputs());
    }

    /**
     * The kernel in memory (see {@code EmpiricalNtk.compute}).
     *
     * @param model  a MultiLayerNetwork or ComputationGraph
     * @param x1     features per network input, each {@code [n1, ...]}
     * @param x2     features per network input, each {@code [n2, ...]}, or null for {@code x1}
     * @param masks1 per network input a mask or null; the array may be null
     * @param masks2 same for x2; must be null when x2 is
     * @return {@code [n1, n2]} (TRACE) or {@code [n1, n2, m, m]} (FULL)
     */
    public INDArray compute(Model model, INDArray[] x1, INDArray[] x2, INDArray[] masks1, INDArray[] masks2) {
        return compute(model, x1, x2, masks1, masks2, null);
    }

    /**
     * The kernel in memory, written into {@code into} when it is given (see {@code EmpiricalNtk.computeInto}).
     *
     * @param model  a MultiLayerNetwork or ComputationGraph
     * @param x1     features per network input, each {@code [n1, ...]}
     * @param x2     features per network input, each {@code [n2, ...]}, or null for {@code x1}
     * @param masks1 per network input a mask or null; the array may be null
     * @param masks2 same for x2; must be null when x2 is
     * @param into   the array to overwrite, {@code [n1, n2]} (TRACE) or {@code [n1, n2, m, m]} (FULL) of the
     *               network's data type; null: a new array
     * @return {@code into}, or the new kernel
     */
    public INDArray compute(Model model, INDArray[] x1, INDArray[] x2, INDArray[] masks1, INDArray[] masks2,
                            INDArray into) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            Input in = input(model, x1, x2, masks1, masks2);
            synchronized (in.cached().plan()) { // the plan's twin network holds per-call state
                return run(in.cached(), in.side1(), in.side2(), in.symmetric(), in.type(), into);
            }
        }
    }

    /**
     * Plans the unmasked single-input computation of {@code Θ(x1, x2)} and applies {@code use} to it while the
     * network's plan is locked (for the file path, which runs the job's tiles itself).
     *
     * @param model the network
     * @param x1    features {@code [n1, ...]}
     * @param x2    features {@code [n2, ...]}, or null for {@code x1}
     * @param use   what to do with the planned job
     * @param <T>   its result
     * @return the result of {@code use}
     */
    public <T> T withJob(Model model, INDArray x1, INDArray x2, Function<EmpiricalJob, T> use) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            Input in = input(model, new INDArray[]{x1}, x2 == null ? null : new INDArray[]{x2}, null, null);
            synchronized (in.cached().plan()) {
                return use.apply(job(in.cached(), in.side1(), in.side2(), in.symmetric(), in.type()));
            }
        }
    }

    /** @return the memory budget */
    public MemoryBudget budget() {
        return budget;
    }

    /** @return the progress receiver */
    public NtkProgress progress() {
        return progress;
    }

    /** @return examples per tile edge */
    public int blockSize() {
        return blockSize;
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
     * @param model a MultiLayerNetwork or ComputationGraph
     * @param x     one features array per network input, each {@code [n, ...]} with n &ge; 1
     * @return m, the output entries per example of this runner's kernels for features shaped like {@code x}
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

    private INDArray run(CachedPlan cached, Side side1, Side side2, boolean symmetric, DataType type, INDArray into) {
        EmpiricalJob job = job(cached, side1, side2, symmetric, type);
        long n1 = job.n1(), n2 = job.n2();
        int o = job.o();
        boolean trace = job.trace();
        if (into != null) {
            checkTarget(into, trace ? new long[]{n1, n2} : new long[]{n1, n2, o, o}, type);
        }
        // the chain writes a whole caller's array directly; a view (views of views are not safe regions in ND4J
        // M2.1) and the general engine's result get one copy at the end
        INDArray target = into == null || into.isView() || !job.chain() ? null : into;
        INDArray k = kernel(cached, job, target);
        if (into == null || k == into) {
            return k;
        }
        return k.isEmpty() ? into : into.assign(k);
    }

    private INDArray kernel(CachedPlan cached, EmpiricalJob job, INDArray target) {
        long n1 = job.n1(), n2 = job.n2();
        int o = job.o();
        boolean trace = job.trace();
        DataType type = job.type();
        long result = target != null ? 0
                : trace ? MemoryBudget.bytes(type, n1, n2) : 2 * MemoryBudget.bytes(type, n1 * o, n2 * o);
        long needed = result + job.tileBytes();
        budget.check(job.what(), needed, (trace ? "" : "use OutputMode.TRACE, ") + "use a smaller blockSize (now "
                + blockSize + "), compute the kernel in pieces of x1, write it to a file with computeToFile(...),"
                + " or raise the budget with memoryBudgetBytes(...)");
        if (log.isDebugEnabled()) {
            log.debug("empirical NTK {}x{}, {} outputs, {} params, estimate {}", n1, n2, o, cached.plan().numParams(),
                    MemoryBudget.human(needed));
        }
        if (job.chain() && n1 > 0 && n2 > 0) {
            // every entry is written by a tile: no zero fill; FULL tiles accumulate straight into [n1, n2, o, o]
            INDArray k = target != null ? target : trace ? Nd4j.createUninitialized(type, new long[]{n1, n2}, 'c')
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

    /** The caller's target of computeInto: the kernel's shape and the network's data type, nothing else. */
    private static void checkTarget(INDArray into, long[] shape, DataType type) {
        if (into.dataType() != type || !Arrays.equals(into.shape(), shape)) {
            throw new IllegalArgumentException("out: expected a " + type + " array " + Arrays.toString(shape)
                    + " (the kernel of these features; the network computes in " + type + "), got " + into.dataType()
                    + " " + Arrays.toString(into.shape()));
        }
    }

    private static INDArray finish(INDArray out, boolean trace, int o, long n1, long n2) {
        if (trace) {
            return out;
        }
        return n1 == 0 || n2 == 0 ? Nd4j.create(out.dataType(), n1, n2, o, o) : KernelLayout.unflatten(out, o);
    }
}
