package org.ntk4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.NtkProgress;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.spark.internal.ArrayTileSink;
import org.ntk4j.spark.internal.JobIndex;
import org.ntk4j.spark.internal.KernelFileSink;
import org.ntk4j.spark.internal.TileAssembler;
import org.ntk4j.spark.internal.TileComputer;
import org.ntk4j.spark.internal.TileGrid;
import org.ntk4j.spark.internal.TileJob;
import org.ntk4j.spark.internal.TileReport;
import org.ntk4j.spark.internal.TileSink;
import org.ntk4j.spark.internal.TileStore;
import org.ntk4j.spark.internal.TileWork;
import scala.Tuple2;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernels computed tile by tile on Spark executors: the empirical NTK of a DL4J network, or the infinite-width
 * NTK/NNGP of a configuration.
 *
 * <pre>{@code
 * SparkKernel spark = SparkKernel.builder(jsc)              // a JavaSparkContext (local[*], spark://..., yarn)
 *         .tileSize(512)                                   // examples per tile side
 *         .tileDirectory("hdfs:///ntk/run1")              // a path every executor reaches (shared FS, HDFS)
 *         .build();
 * SparkKernelResult r = spark.empirical(net, x1, null);   // Θ(x1, x1) [n1, n1]; x1 [n1, d]
 * INDArray k = r.kernel();                                 // equal to EmpiricalNtk's in-memory kernel
 * }</pre>
 *
 * <p>What is shipped: the network once, as its ModelSerializer zip in a broadcast variable (or the configuration's
 * JSON), and the features once, as {@code .npy} bytes in broadcast variables. Each Spark task computes a group of
 * consecutive tiles (a symmetric kernel: its upper triangle only) and writes every tile as a {@code .npy} file
 * {@code tile-r<i>-c<j>.npy} ({@code [r, c]}, or {@code [r, c, o, o]} in FULL mode) through a temporary file and a
 * rename, so a failed, retried or speculative attempt never leaves a partial tile. The directory's {@code job.json}
 * names the kernel, the tiling and fingerprints of the inputs; running the same job again on the same directory
 * keeps the tiles already there (resume), a different job on it is refused. As each task finishes, the driver reads
 * its tiles back one at a time, checks each one's shape and type, and puts it in place: in memory (the symmetric half
 * mirrored; {@link #empirical}, refused before any task runs when the kernel exceeds the driver's memory budget), or
 * in an out-of-core {@link KernelFile} ({@link #empiricalToFile}: the driver holds one tile whatever N is, and a
 * rerun continues the file's ledger). Progress comes from a {@code SparkListener} on the driver (tiles of finished
 * tasks).
 *
 * <p>Spark is a {@code provided} dependency: the cluster's Spark 3.5 (Scala 2.12) is used. On Java 17 the driver
 * and the executors need Spark's {@code --add-opens} options (spark-submit adds them; see docs/scale.md).
 */
public final class SparkKernel {
    private final JavaSparkContext jsc;
    private final NtkImplementation implementation;
    private final OutputMode outputMode;
    private final int tileSize;
    private final int tilesPerTask;
    private final String tileDirectory;
    private final NtkProgress progress;
    private final MemoryBudget budget;
    private final java.util.function.UnaryOperator<TileComputer<?>> decorator;

    private SparkKernel(Builder b) {
        this.decorator = b.decorator;
        this.jsc = b.jsc;
        this.implementation = b.implementation;
        this.outputMode = b.outputMode;
        this.tileSize = b.tileSize;
        this.tilesPerTask = b.tilesPerTask;
        this.tileDirectory = b.tileDirectory;
        this.progress = b.progress;
        this.budget = b.budget == null ? MemoryBudget.defaultBudget() : b.budget;
    }

    /**
     * @param jsc the Spark context to run the jobs on (not stopped by this class)
     * @return a builder with defaults AUTO, TRACE, tiles of 512 examples, about four tasks per core
     */
    public static Builder builder(JavaSparkContext jsc) {
        if (jsc == null) {
            throw new IllegalArgumentException("jsc must not be null (got: null)");
        }
        return new Builder(jsc);
    }

    /**
     * The empirical NTK of a network, computed on the executors and assembled in the driver's memory.
     *
     * @param model a MultiLayerNetwork or single-input ComputationGraph
     * @param x1    features {@code [n1, ...]}
     * @param x2    features {@code [n2, ...]}, or null for {@code Θ(x1, x1)}
     * @return the kernel {@code [n1, n2]} (TRACE) or {@code [n1, n2, o, o]} (FULL), in the network's type
     * @throws MemoryBudgetExceededException before any task runs, when the kernel exceeds the driver's memory budget
     *                                       (then {@link #empiricalToFile} writes it)
     */
    public SparkKernelResult empirical(Model model, INDArray x1, INDArray x2) {
        return run(TileWork.empirical(model, x1, x2, implementation, outputMode, tileSize, DataType.FLOAT), x1, x2, null);
    }

    /**
     * The empirical NTK of a network, computed on the executors and written by the driver to an out-of-core kernel
     * file ({@link KernelFile}) tile by tile as the tasks finish: the driver holds one tile, whatever N is. The file
     * is the one {@code EmpiricalNtk.computeToFile} writes (same layout, same fingerprint): {@code [n1, n2]} TRACE,
     * {@code [n1·o, n2·o]} FULL (example-major). It is {@code out.partial} with its ledger until the last tile; a
     * rerun after a failed job or a stopped driver continues it (tiles the ledger records are neither computed nor
     * shipped again), and so does a rerun of an interrupted single-machine {@code computeToFile} of the same kernel.
     *
     * @param model    a MultiLayerNetwork or single-input ComputationGraph
     * @param x1       features {@code [n1, ...]}
     * @param x2       features {@code [n2, ...]}, or null for {@code Θ(x1, x1)}
     * @param out      the {@code .npy} file on the driver (replaced when it exists)
     * @param fileType FLOAT or DOUBLE
     * @return what was done; {@link SparkKernelResult#kernel()} is null, {@link SparkKernelResult#file()} is {@code out}
     * @throws org.ntk4j.core.io.ArrayFormatException when a partial file of another kernel is in the way
     */
    public SparkKernelResult empiricalToFile(Model model, INDArray x1, INDArray x2, Path out, DataType fileType) {
        checkFile(out, fileType);
        return run(TileWork.empirical(model, x1, x2, implementation, outputMode, tileSize, fileType), x1, x2, out);
    }

    /**
     * The infinite-width kernel of a fully connected DL4J configuration ({@code AnalyticKernels.of(conf)}), computed
     * on the executors and assembled in the driver's memory.
     *
     * @param conf             the configuration
     * @param quadratureDegree fixed Gauss–Hermite nodes per dimension, or null for the error-controlled rule
     * @param tolerance        the error-controlled rule's tolerance (e.g. 1e-6)
     * @param nngp             true for the NNGP kernel, false for the NTK
     * @param x1               features {@code [n1, nIn]}
     * @param x2               features {@code [n2, nIn]}, or null
     * @return the kernel {@code [n1, n2]} in the type of {@code x1}
     * @throws MemoryBudgetExceededException before any task runs, when the kernel exceeds the driver's memory budget
     */
    public SparkKernelResult analytic(MultiLayerConfiguration conf, Integer quadratureDegree, double tolerance,
                                      boolean nngp, INDArray x1, INDArray x2) {
        return run(TileWork.analytic(conf, quadratureDegree, tolerance, nngp, x1, x2, tileSize, DataType.FLOAT), x1,
                x2, null);
    }

    /**
     * The infinite-width kernel written by the driver to an out-of-core kernel file {@code [n1, n2]}, as
     * {@link #empiricalToFile} (resumed the same way; the fingerprint covers the configuration, the rule, the
     * features and the tiling).
     *
     * @param conf             the configuration
     * @param quadratureDegree fixed Gauss–Hermite nodes per dimension, or null for the error-controlled rule
     * @param tolerance        the error-controlled rule's tolerance
     * @param nngp             true for the NNGP kernel, false for the NTK
     * @param x1               features {@code [n1, nIn]}
     * @param x2               features {@code [n2, nIn]}, or null
     * @param out              the {@code .npy} file on the driver
     * @param fileType         FLOAT or DOUBLE
     * @return what was done, with {@link SparkKernelResult#file()}
     */
    public SparkKernelResult analyticToFile(MultiLayerConfiguration conf, Integer quadratureDegree, double tolerance,
                                            boolean nngp, INDArray x1, INDArray x2, Path out, DataType fileType) {
        checkFile(out, fileType);
        return run(TileWork.analytic(conf, quadratureDegree, tolerance, nngp, x1, x2, tileSize, fileType), x1, x2,
                out);
    }

    private <P> SparkKernelResult run(TileWork w, INDArray x1, INDArray x2, Path out) {
        @SuppressWarnings("unchecked")
        TileComputer<P> computer = (TileComputer<P>) decorator.apply(w.computer());
        long t0 = System.nanoTime();
        TileGrid grid = new TileGrid(x1.size(0), x2 == null ? x1.size(0) : x2.size(0), tileSize, x2 == null);
        checkBudget(w, grid, out);
        byte[] a = TileWork.npy(x1), b = x2 == null ? null : TileWork.npy(x2);
        TileStore store = TileStore.of(tileDirectory, jsc.getConf());
        try {
            JobIndex.writeOrCheck(store, JobIndex.text(grid, computer.describe(), w.type().name(), w.payloadSha(),
                    JobIndex.sha256(a), b == null ? null : JobIndex.sha256(b)));
            ArrayTileSink memory = out == null ? new ArrayTileSink(grid, w.type(), w.o()) : null;
            try (KernelFile file = out == null ? null : KernelFile.openOrResume(out, w.fileSpec())) {
                TileSink sink = out == null ? memory : new KernelFileSink(file);
                List<TileGrid.Tile> todo = grid.tiles().stream().filter(t -> !sink.holds(t)).toList();
                long resumed = grid.tiles().size() - todo.size();
                TileJob.Outcome job = todo.isEmpty() ? new TileJob.Outcome(List.of(), 0, 0, 0)
                        : TileJob.run(new TileJob.Spec(jsc, grid, store, w.payload(), a, b, tilesPerTask, progress),
                        computer, todo, resumed, t -> sink.put(t, TileAssembler.read(store, t, w.type(), w.o())));
                store.deleteTemporaryFiles();
                Path written = file == null ? null : file.finish();
                return result(job, grid, resumed, memory == null ? null : memory.kernel(), written, t0, store);
            }
        } finally {
            if (tileDirectory == null) {
                store.deleteTemporaryDirectory();
            }
        }
    }

    private SparkKernelResult result(TileJob.Outcome job, TileGrid grid, long resumed, INDArray kernel, Path file,
                                     long t0, TileStore store) {
        Map<Tuple2<Integer, Integer>, Boolean> computed = new HashMap<>();
        double sec = 0;
        for (TileReport r : job.reports()) {
            computed.merge(new Tuple2<>(r.i(), r.j()), !r.reused(), Boolean::logicalOr);
            sec += r.seconds();
        }
        long fresh = computed.values().stream().filter(v -> v).count();
        return new SparkKernelResult(kernel, file, grid.tiles().size(), computed.size() - fresh, resumed, job.tasks(),
                job.taskAttempts(), job.failedAttempts(), (System.nanoTime() - t0) / 1e9, fresh == 0 ? 0 : sec / fresh,
                store.uri());
    }

    /** Refuses, before anything is written, a kernel the driver cannot hold (in memory) or a tile it cannot (file). */
    private void checkBudget(TileWork w, TileGrid grid, Path out) {
        long m = Math.max(1, w.o());
        if (out == null) {
            long[] shape = w.o() > 0 ? new long[]{grid.n1(), grid.n2(), m, m} : new long[]{grid.n1(), grid.n2()};
            budget.check("the " + java.util.Arrays.toString(shape) + " kernel assembled in the driver's memory",
                    MemoryBudget.bytes(w.type(), shape), "write it to a file on the driver with empiricalToFile(...) "
                            + "or analyticToFile(...) (ntk kernel does for a .npy --out), or raise the budget");
            return;
        }
        long r = Math.min(tileSize, grid.n1()) * m, c = Math.min(tileSize, grid.n2()) * m;
        long perEntry = (long) w.type().width() * (w.o() > 0 ? 2 : 1) + 2L * w.fileSpec().dataType().width();
        budget.check("a tile of " + r + " x " + c + " entries on the driver", MemoryBudget.bytes(DataType.INT8, r, c,
                perEntry), "use a smaller tileSize (now " + tileSize + ") or raise the budget");
    }

    private static void checkFile(Path out, DataType fileType) {
        if (out == null) {
            throw new IllegalArgumentException("out must be a .npy file path (got: null)");
        }
        if (fileType != DataType.FLOAT && fileType != DataType.DOUBLE) {
            throw new IllegalArgumentException("fileType must be FLOAT or DOUBLE (got: " + fileType + ")");
        }
    }

    /** Validated builder of {@link SparkKernel}. */
    public static final class Builder {
        private final JavaSparkContext jsc;
        private NtkImplementation implementation = NtkImplementation.AUTO;
        private OutputMode outputMode = OutputMode.TRACE;
        private int tileSize = 512;
        private int tilesPerTask;
        private String tileDirectory;
        private NtkProgress progress = NtkProgress.NONE;
        private MemoryBudget budget;
        private java.util.function.UnaryOperator<TileComputer<?>> decorator = c -> c;

        private Builder(JavaSparkContext jsc) {
            this.jsc = jsc;
        }

        /**
         * @param implementation STRUCTURED, JACOBIAN or AUTO (default), as in {@code EmpiricalNtk}
         * @return this
         */
        public Builder implementation(NtkImplementation implementation) {
            if (implementation == null) {
                throw new IllegalArgumentException("implementation must not be null (got: null)");
            }
            this.implementation = implementation;
            return this;
        }

        /**
         * @param outputMode TRACE (default) or FULL
         * @return this
         */
        public Builder outputMode(OutputMode outputMode) {
            if (outputMode == null) {
                throw new IllegalArgumentException("outputMode must not be null (got: null)");
            }
            this.outputMode = outputMode;
            return this;
        }

        /**
         * @param examples examples per tile side, &gt; 0 (default 512)
         * @return this
         */
        public Builder tileSize(int examples) {
            if (examples < 1) {
                throw new IllegalArgumentException("tileSize must be > 0 (got: " + examples + ")");
            }
            this.tileSize = examples;
            return this;
        }

        /**
         * @param tiles tiles per Spark task, &gt; 0 (default: about four tasks per core of the context)
         * @return this
         */
        public Builder tilesPerTask(int tiles) {
            if (tiles < 1) {
                throw new IllegalArgumentException("tilesPerTask must be > 0 (got: " + tiles + ")");
            }
            this.tilesPerTask = tiles;
            return this;
        }

        /**
         * @param uri the tile directory, a path or URI that every executor and the driver reach (a shared file
         *            system, {@code hdfs://...}); its tiles are kept, and a rerun of the same job resumes from them.
         *            Default: a temporary local directory, deleted after assembly (local masters only)
         * @return this
         */
        public Builder tileDirectory(String uri) {
            if (uri == null || uri.isBlank()) {
                throw new IllegalArgumentException("tileDirectory must be a path or URI (got: " + uri + ")");
            }
            this.tileDirectory = uri;
            return this;
        }

        /**
         * @param progress receives (tiles done, tiles in all) on Spark's listener thread (default none)
         * @return this
         */
        public Builder progress(NtkProgress progress) {
            if (progress == null) {
                throw new IllegalArgumentException("progress must not be null (got: null); use NtkProgress.NONE");
            }
            this.progress = progress;
            return this;
        }

        /**
         * @param bytes the largest kernel the driver assembles in memory, &gt; 0 (default: half the off-heap limit)
         * @return this
         */
        public Builder memoryBudgetBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("memoryBudgetBytes must be > 0 (got: " + bytes + ")");
            }
            this.budget = MemoryBudget.ofBytes(bytes);
            return this;
        }

        /** Test hook: wraps the executors' computer (e.g. to fail an attempt); not public API. */
        Builder decorate(java.util.function.UnaryOperator<TileComputer<?>> d) {
            this.decorator = d;
            return this;
        }

        /** @return the SparkKernel */
        public SparkKernel build() {
            return new SparkKernel(this);
        }
    }
}
