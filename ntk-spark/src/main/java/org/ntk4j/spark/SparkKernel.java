package org.ntk4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.NtkProgress;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.spark.internal.AnalyticTiles;
import org.ntk4j.spark.internal.EmpiricalTiles;
import org.ntk4j.spark.internal.JobIndex;
import org.ntk4j.spark.internal.TileAssembler;
import org.ntk4j.spark.internal.TileComputer;
import org.ntk4j.spark.internal.TileGrid;
import org.ntk4j.spark.internal.TileListener;
import org.ntk4j.spark.internal.TileReport;
import org.ntk4j.spark.internal.TileStore;
import org.ntk4j.spark.internal.TileTask;
import scala.Tuple2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
 * keeps the tiles already there (resume), a different job on it is refused. The driver then reads the tiles back,
 * checks each one's shape and type, mirrors the symmetric half and returns the kernel. Progress comes from a
 * {@code SparkListener} on the driver (tiles of finished tasks).
 *
 * <p>Spark is a {@code provided} dependency: the cluster's Spark 3.5 (Scala 2.12) is used. On Java 17 the driver
 * and the executors need Spark's {@code --add-opens} options (spark-submit adds them; see docs/scale.md).
 */
public final class SparkKernel {
    /** The network kinds a ModelSerializer zip holds: true for a ComputationGraph. */
    private static final Map<Class<?>, Boolean> GRAPH = Map.of(MultiLayerNetwork.class, false,
            ComputationGraph.class, true);

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
     * The empirical NTK of a network, computed on the executors.
     *
     * @param model a MultiLayerNetwork or single-input ComputationGraph
     * @param x1    features {@code [n1, ...]}
     * @param x2    features {@code [n2, ...]}, or null for {@code Θ(x1, x1)}
     * @return the kernel {@code [n1, n2]} (TRACE) or {@code [n1, n2, o, o]} (FULL), in the network's type
     */
    public SparkKernelResult empirical(Model model, INDArray x1, INDArray x2) {
        Boolean graph = model == null ? null : GRAPH.get(model.getClass());
        if (graph == null) {
            throw new IllegalArgumentException("model must be a MultiLayerNetwork or ComputationGraph (got: "
                    + (model == null ? "null" : model.getClass().getName()) + ")");
        }
        byte[] zip;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ModelSerializer.writeModel(model, out, false);
            zip = out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the network: " + e.getMessage(), e);
        }
        return run(new EmpiricalTiles(graph, implementation, outputMode, tileSize), zip, JobIndex.zipSha256(zip),
                model.params().dataType(), outputMode == OutputMode.FULL, x1, x2);
    }

    /**
     * The infinite-width kernel of a fully connected DL4J configuration ({@code AnalyticKernels.of(conf)}), computed
     * on the executors.
     *
     * @param conf             the configuration
     * @param quadratureDegree fixed Gauss–Hermite nodes per dimension, or null for the error-controlled rule
     * @param tolerance        the error-controlled rule's tolerance (e.g. 1e-6)
     * @param nngp             true for the NNGP kernel, false for the NTK
     * @param x1               features {@code [n1, nIn]}
     * @param x2               features {@code [n2, nIn]}, or null
     * @return the kernel {@code [n1, n2]} in the type of {@code x1}
     */
    public SparkKernelResult analytic(MultiLayerConfiguration conf, Integer quadratureDegree, double tolerance,
                                      boolean nngp, INDArray x1, INDArray x2) {
        if (conf == null) {
            throw new IllegalArgumentException("conf must not be null (got: null)");
        }
        AnalyticTiles computer = new AnalyticTiles(quadratureDegree, tolerance, nngp, tileSize);
        computer.prepare(conf.toJson().getBytes(StandardCharsets.UTF_8)); // refuses an unsupported layer here, once
        byte[] json = conf.toJson().getBytes(StandardCharsets.UTF_8);
        return run(computer, json, JobIndex.sha256(json), null, false, x1, x2);
    }

    @SuppressWarnings("unchecked")
    private <P> SparkKernelResult run(TileComputer<P> plain, byte[] payload, String payloadSha, DataType type,
                                      boolean full, INDArray x1, INDArray x2) {
        TileComputer<P> computer = (TileComputer<P>) decorator.apply(plain);
        check("x1", x1);
        if (x2 != null) {
            check("x2", x2);
        }
        long t0 = System.nanoTime();
        TileGrid grid = new TileGrid(x1.size(0), x2 == null ? x1.size(0) : x2.size(0), tileSize, x2 == null);
        byte[] a = npy(x1), b = x2 == null ? null : npy(x2);
        boolean temporary = tileDirectory == null;
        String dir = temporary ? temporaryDirectory() : tileDirectory;
        TileStore store = new TileStore(dir, hadoopSettings(jsc.getConf()));
        String kind = computer.describe();
        JobIndex.writeOrCheck(store, JobIndex.text(grid, kind, type == null ? String.valueOf(x1.dataType()) : type.name(),
                payloadSha, JobIndex.sha256(a), b == null ? null : JobIndex.sha256(b)));
        int perTask = tilesPerTask > 0 ? tilesPerTask
                : (int) Math.max(1, -Math.floorDiv(-(long) grid.tiles().size(), 4L * jsc.defaultParallelism()));
        List<List<TileGrid.Tile>> groups = grid.groups(perTask);
        int[] sizes = groups.stream().mapToInt(List::size).toArray();
        String jobId = UUID.randomUUID().toString();
        TileListener listener = new TileListener(jobId, sizes, progress);
        Broadcast<byte[]> bp = jsc.broadcast(payload), b1 = jsc.broadcast(a), b2 = b == null ? null : jsc.broadcast(b);
        jsc.sc().addSparkListener(listener);
        List<TileReport> reports;
        try {
            jsc.setLocalProperty(TileListener.PROPERTY, jobId);
            jsc.setJobDescription("ntk4j " + kind + " " + grid.n1() + " x " + grid.n2() + ", " + sizes.length + " tasks");
            reports = jsc.parallelize(groups, groups.size())
                    .mapPartitions(new TileTask<>(jobId, grid, computer, store, bp, b1, b2)).collect();
            listener.awaitEnd(30);
        } catch (Exception e) { // Scala code throws SparkException (checked) without declaring it
            if (e instanceof RuntimeException re && !(e instanceof org.apache.spark.SparkException)) {
                throw re;
            }
            throw unwrap(e);
        } finally {
            jsc.setLocalProperty(TileListener.PROPERTY, null);
            jsc.setJobDescription(null);
            jsc.sc().removeSparkListener(listener);
            bp.destroy();
            b1.destroy();
            if (b2 != null) {
                b2.destroy();
            }
        }
        store.deleteTemporaryFiles();
        Map<Tuple2<Integer, Integer>, Boolean> computed = new HashMap<>();
        double sec = 0;
        for (TileReport r : reports) {
            computed.merge(new Tuple2<>(r.i(), r.j()), !r.reused(), Boolean::logicalOr);
            sec += r.seconds();
        }
        long fresh = computed.values().stream().filter(v -> v).count();
        INDArray kernel = TileAssembler.assemble(grid, store, type, full, budget);
        if (temporary) {
            deleteTemporary(store);
        }
        return new SparkKernelResult(kernel, grid.tiles().size(), computed.size() - fresh, sizes.length,
                listener.attempts(), listener.failedAttempts(), (System.nanoTime() - t0) / 1e9,
                fresh == 0 ? 0 : sec / fresh, dir);
    }

    /**
     * A task that refused its input (a wrong shape, NaN, an unsupported layer) fails every attempt the same way: its
     * one-line message is the job's, not Spark's wrapper with the executor's stack trace.
     */
    private static RuntimeException unwrap(Exception e) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof IllegalArgumentException iae) {
                return new IllegalArgumentException(iae.getMessage(), e);
            }
        }
        return new IllegalStateException("the Spark job failed: " + e.getMessage().lines().findFirst().orElse(""), e);
    }

    private static void check(String name, INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException(name + " must not be null (got: null)");
        }
        if (x.rank() < 2 || x.size(0) == 0) {
            throw new IllegalArgumentException("expected " + name + " [n, ...] with n > 0, got "
                    + java.util.Arrays.toString(x.shape()));
        }
    }

    private static byte[] npy(INDArray x) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ArrayFiles.writeNpy(x.dup('c'), out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String temporaryDirectory() {
        String master = jsc.getConf().get("spark.master", "");
        if (!master.startsWith("local")) {
            throw new IllegalArgumentException("a tile directory is needed on a cluster (master " + master
                    + "): give tileDirectory(...) a path or URI every executor and the driver can reach "
                    + "(a shared file system, hdfs://...)");
        }
        try {
            return Files.createTempDirectory("ntk-spark-tiles-").toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTemporary(TileStore store) {
        java.nio.file.Path dir = java.nio.file.Path.of(java.net.URI.create(store.uri()));
        for (String n : store.list()) {
            try {
                Files.deleteIfExists(dir.resolve(n));
            } catch (IOException ignored) {
                // a temporary directory: what cannot be deleted stays in the temp folder
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // as above
        }
    }

    /** @return the {@code spark.hadoop.*} settings with the prefix removed (Hadoop settings the executors apply) */
    private static Map<String, String> hadoopSettings(SparkConf conf) {
        Map<String, String> m = new HashMap<>();
        for (Tuple2<String, String> e : conf.getAllWithPrefix("spark.hadoop.")) {
            m.put(e._1(), e._2());
        }
        return m;
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
