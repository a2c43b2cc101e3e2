package org.ntk4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.internal.EmpiricalJob;
import org.ntk4j.dl4j.internal.EmpiricalOutOfCore;
import org.ntk4j.dl4j.internal.EmpiricalRunner;

import java.nio.file.Path;

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
    private final NtkImplementation implementation;
    private final OutputMode outputMode;
    private final int blockSize;
    private final MemoryBudget budget;
    /** The plans, validation and runs; keeps the plan of the last network seen. */
    private final EmpiricalRunner runner;

    private EmpiricalNtk(Builder b) {
        this.implementation = b.implementation;
        this.outputMode = b.outputMode;
        this.blockSize = b.blockSize;
        this.budget = b.budget == null ? MemoryBudget.defaultBudget() : b.budget;
        this.runner = new EmpiricalRunner(new EmpiricalJob.Settings(implementation, outputMode,
                java.util.List.copyOf(b.outputs), blockSize), budget, b.progress);
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
        return runner.compute(model, x1, x2, masks1, masks2);
    }

    /**
     * {@code Θ(x1, x2)} written into an array the caller owns, for kernels computed again and again on features of
     * the same shape (a training loop, a sweep, a benchmark): no new result array per call. A new native array costs
     * far more than its size suggests on some machines (its pages are touched for the first time: on the 2-vCPU VM
     * of {@code docs/benchmarks.md} about 80 ms for a {@code [256, 256, 10, 10]} FLOAT kernel, more than the kernel's
     * whole BLAS time), and ND4J returns native memory only after a garbage collection. The entries are exactly those
     * of {@link #compute(Model, INDArray, INDArray)}; the memory budget then covers only the per-tile buffers.
     *
     * <pre>{@code
     * INDArray k = ntk.compute(net, x);          // [n, n] (TRACE), allocated once
     * for (int step = 0; step < steps; step++) {
     *     net.fit(batch);
     *     ntk.computeInto(net, x, null, k);      // overwritten in place
     * }
     * }</pre>
     *
     * @param model a MultiLayerNetwork or single-input ComputationGraph
     * @param x1    features {@code [n1, ...]}
     * @param x2    features {@code [n2, ...]}, or null for {@code x1}
     * @param out   {@code [n1, n2]} (TRACE) or {@code [n1, n2, m, m]} (FULL) of the network's data type, any order;
     *              overwritten (its contents are unspecified if the call throws after the checks); a view of a larger
     *              array works too but gets a temporary kernel and a copy
     * @return {@code out}
     * @throws IllegalArgumentException when {@code out} has another shape or data type (before anything is written)
     */
    public INDArray computeInto(Model model, INDArray x1, INDArray x2, INDArray out) {
        if (out == null) {
            throw new IllegalArgumentException("out: expected the array to write the kernel into (got: null);"
                    + " use compute(...) for a new array");
        }
        return runner.compute(model, new INDArray[]{x1}, x2 == null ? null : new INDArray[]{x2}, null, null, out);
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
        return EmpiricalOutOfCore.write(runner, model, x1, x2, out, fileType);
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
        return EmpiricalOutOfCore.fileSpec(runner, model, x1, x2, fileType);
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
        return EmpiricalOutOfCore.tile(runner, model, x1, x2, bi, bj);
    }

    /**
     * @param model a network
     * @return one line per unit of the network with the rule the engine uses for it (for reports)
     */
    public String describe(Model model) {
        return runner.describe(model);
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
    public int outputsPerExample(Model model, INDArray... x) {
        return runner.outputsPerExample(model, x);
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
