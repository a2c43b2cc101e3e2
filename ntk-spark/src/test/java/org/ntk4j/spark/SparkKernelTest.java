package org.ntk4j.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.analytic.AnalyticKernels;
import org.ntk4j.spark.internal.TileComputer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * Kernels on an in-process Spark ({@code local[2,2]}: two task threads, each task tried up to twice) against the
 * single-machine kernels and central finite differences.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkKernelTest extends NtkTestBase {
    private static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        jsc = SparkTestContext.start("local[2,2]");
    }

    @AfterAll
    static void stop() {
        if (jsc != null) {
            jsc.stop();
        }
    }

    static MultiLayerConfiguration conf(DataType type, int outputs) {
        return new NeuralNetConfiguration.Builder().seed(7).dataType(type).weightInit(WeightInit.NORMAL).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(12).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(12).nOut(outputs)
                        .activation(Activation.IDENTITY).build())
                .build();
    }

    static MultiLayerNetwork net(DataType type, int outputs) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf(type, outputs));
        net.init();
        return net;
    }

    @Test
    void scalePageSnippet(@TempDir Path dir) {
        MultiLayerNetwork net = net(DataType.DOUBLE, 1);
        INDArray x1 = randn(DataType.DOUBLE, 5, 11, 3);
        String tiles = dir.resolve("tiles").toString();
        // snippet:scale-spark
        // jsc: a JavaSparkContext, e.g. new JavaSparkContext(new SparkConf().setAppName("ntk")) under spark-submit
        // tiles: a directory the driver and every executor reach, e.g. "hdfs:///ntk/run1"
        SparkKernelResult r = SparkKernel.builder(jsc)
                .tileSize(512)                          // examples per tile side (the CLI's --block-size)
                .tileDirectory(tiles)
                .build()
                .empirical(net, x1, null);              // or .analytic(conf, null, 1e-6, false, x1, null)
        INDArray k = r.kernel();                        // [n1, n1]; r.tasks(), r.taskAttempts(), r.reusedTiles(), ...
        // end
        assertClose(EmpiricalNtk.builder().build().compute(net, x1), k, tol(DataType.DOUBLE).exact(),
                "docs/scale.md's Spark kernel vs single machine");
        assertEquals(1, r.tasks(), "11 examples in one tile of 512");
    }

    @Test
    void symmetricTraceEqualsSingleMachineAndFiniteDifferencesDouble() {
        MultiLayerNetwork net = net(DataType.DOUBLE, 2);
        INDArray x = randn(DataType.DOUBLE, 1, 23, 3);
        AtomicLong last = new AtomicLong(), total = new AtomicLong();
        SparkKernelResult r = SparkKernel.builder(jsc).tileSize(5).tilesPerTask(2)
                .progress((d, t) -> { last.set(d); total.set(t); }).build().empirical(net, x, null);
        INDArray single = EmpiricalNtk.builder().build().compute(net, x);
        assertClose(single, r.kernel(), tol(DataType.DOUBLE).exact(), "Spark vs single machine");
        assertClose(FiniteDifferenceReference.trace(net, x, x, 1e-5), r.kernel(), tol(DataType.DOUBLE).finiteDiff(),
                "Spark vs finite differences");
        assertEquals(15, r.tiles(), "5 block rows: the upper triangle has 15 tiles");
        assertEquals(8, r.tasks(), "15 tiles, 2 per task");
        assertEquals(0, r.failedAttempts());
        assertEquals(0, r.reusedTiles());
        assertEquals(15, total.get(), "progress total");
        assertEquals(15, last.get(), "progress reaches every tile");
        assertEquals(r.kernel(), r.kernel().transpose(), "mirrored halves are exactly symmetric");
    }

    @Test
    void rectangularFullKernelFloat() {
        MultiLayerNetwork net = net(DataType.FLOAT, 3);
        INDArray x1 = randn(DataType.FLOAT, 2, 11, 3), x2 = randn(DataType.FLOAT, 3, 7, 3);
        SparkKernelResult r = SparkKernel.builder(jsc).tileSize(4).outputMode(OutputMode.FULL).build()
                .empirical(net, x1, x2);
        INDArray single = EmpiricalNtk.builder().outputMode(OutputMode.FULL).build().compute(net, x1, x2);
        assertEquals(DataType.FLOAT, r.kernel().dataType());
        assertClose(single, r.kernel(), tol(DataType.FLOAT).exact(), "Spark FULL vs single machine");
        assertEquals(6, r.tiles(), "3 x 2 blocks");
    }

    @Test
    void symmetricFullKernelDouble() {
        MultiLayerNetwork net = net(DataType.DOUBLE, 2);
        INDArray x = randn(DataType.DOUBLE, 4, 9, 3);
        SparkKernelResult r = SparkKernel.builder(jsc).tileSize(4).outputMode(OutputMode.FULL).build()
                .empirical(net, x, null);
        INDArray single = EmpiricalNtk.builder().outputMode(OutputMode.FULL).build().compute(net, x);
        assertClose(single, r.kernel(), tol(DataType.DOUBLE).exact(), "Spark FULL (mirrored) vs single machine");
    }

    /** Fails the first attempt of one task after that attempt has written its first tile. */
    static final class FailFirstAttempt<P> implements TileComputer<P> {
        private static final long serialVersionUID = 1L;
        private final TileComputer<P> inner;
        private final int partition;
        private transient int calls;

        FailFirstAttempt(TileComputer<P> inner, int partition) {
            this.inner = inner;
            this.partition = partition;
        }

        @Override
        public P prepare(byte[] payload) {
            return inner.prepare(payload);
        }

        @Override
        public INDArray compute(P prepared, INDArray a, INDArray b) {
            TaskContext ctx = TaskContext.get();
            if (ctx.partitionId() == partition && ctx.attemptNumber() == 0 && calls++ == 1) {
                throw new IllegalStateException("injected failure of attempt 0");
            }
            return inner.compute(prepared, a, b);
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    /** Fails every attempt of one task, at its first tile. */
    static final class FailAlways<P> implements TileComputer<P> {
        private static final long serialVersionUID = 1L;
        private final TileComputer<P> inner;
        private final int partition;

        FailAlways(TileComputer<P> inner, int partition) {
            this.inner = inner;
            this.partition = partition;
        }

        @Override
        public P prepare(byte[] payload) {
            return inner.prepare(payload);
        }

        @Override
        public INDArray compute(P prepared, INDArray a, INDArray b) {
            if (TaskContext.get().partitionId() == partition) {
                throw new IllegalStateException("injected failure of every attempt of task " + partition);
            }
            return inner.compute(prepared, a, b);
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    @Test
    void failedTaskIsRetriedAndTheKernelIsStillEqual(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = net(DataType.DOUBLE, 2);
        INDArray x = randn(DataType.DOUBLE, 5, 17, 3);
        // tiles of 4: 5 block rows, 15 tiles; 3 per task: task 1 holds (0,3) (0,4) (1,1): the run (0,3)-(0,4), then
        // the diagonal (1,1) — its second computation fails on attempt 0, after tiles (0,3) and (0,4) were written
        Path tiles = dir.resolve("tiles");
        SparkKernelResult r = SparkKernel.builder(jsc).tileSize(4).tilesPerTask(3).tileDirectory(tiles.toString())
                .decorate(c -> new FailFirstAttempt<>(c, 1)).build().empirical(net, x, null);
        assertClose(EmpiricalNtk.builder().build().compute(net, x), r.kernel(), tol(DataType.DOUBLE).exact(),
                "retried job vs single machine");
        assertEquals(5, r.tasks());
        assertEquals(1, r.failedAttempts(), "one injected failure");
        assertEquals(6, r.taskAttempts(), "5 tasks, one of them twice");
        assertEquals(2, r.reusedTiles(), "the retry keeps the two tiles the failed attempt had written");
        try (var files = Files.list(tiles)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".tmp-")), "no temporary files left");
        }
    }

    @Test
    void rerunResumesFromTheTilesAndAnotherKernelIsRefused(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = net(DataType.DOUBLE, 1);
        INDArray x = randn(DataType.DOUBLE, 6, 10, 3);
        String tiles = dir.resolve("t").toString();
        SparkKernel sk = SparkKernel.builder(jsc).tileSize(4).tileDirectory(tiles).build();
        SparkKernelResult first = sk.empirical(net, x, null);
        // a leftover temporary file of a killed attempt is ignored
        Files.writeString(dir.resolve("t").resolve(".tmp-tile-r0-c0.npy.123"), "partial");
        SparkKernelResult second = sk.empirical(net, x, null);
        assertEquals(first.tiles(), second.reusedTiles(), "every tile kept");
        assertEquals(first.kernel(), second.kernel());

        MultiLayerNetwork other = net(DataType.DOUBLE, 1);
        other.params().muli(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sk.empirical(other, x, null));
        assertTrue(e.getMessage().contains("holds the tiles of another kernel"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sk.empirical(net, x.mul(2), null), "other features");

        // a tile replaced by a foreign array of the wrong shape is refused, not assembled
        org.ntk4j.core.io.ArrayFiles.write(randn(DataType.DOUBLE, 9, 3, 3), dir.resolve("t").resolve("tile-r0-c1.npy"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> sk.empirical(net, x, null));
        assertTrue(bad.getMessage().contains("tile-r0-c1.npy") && bad.getMessage().contains("expected DOUBLE [4, 4]"),
                bad.getMessage());
    }

    @Test
    void foreignDirectoryIsRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkKernel.builder(jsc)
                .tileDirectory(dir.toString()).build().empirical(net(DataType.DOUBLE, 1), randn(DataType.DOUBLE, 1, 4, 3),
                        null));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("notes.txt")), "the user's file untouched");
        assertFalse(Files.exists(dir.resolve("job.json")), "nothing written");
    }

    @Test
    void analyticKernelEqualsSingleMachine() {
        MultiLayerConfiguration c = conf(DataType.DOUBLE, 1);
        INDArray x1 = randn(DataType.DOUBLE, 8, 13, 3), x2 = randn(DataType.DOUBLE, 9, 6, 3);
        SparkKernel sk = SparkKernel.builder(jsc).tileSize(5).build();
        SparkKernelResult sym = sk.analytic(c, null, 1e-6, false, x1, null);
        assertClose(AnalyticKernels.of(c).compute(x1).ntk(), sym.kernel(), tol(DataType.DOUBLE).exact(), "NTK");
        SparkKernelResult nngp = sk.analytic(c, null, 1e-6, true, x1, x2);
        assertClose(AnalyticKernels.of(c).compute(x1, x2).nngp(), nngp.kernel(), tol(DataType.DOUBLE).exact(), "NNGP");
    }

    @Test
    void badInputIsRefusedByName() {
        SparkKernel sk = SparkKernel.builder(jsc).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sk.empirical(net(DataType.DOUBLE, 1), randn(DataType.DOUBLE, 1, 4, 5), null));
        assertTrue(e.getMessage().contains("x1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparkKernel.builder(jsc).tileSize(0));
        assertThrows(IllegalArgumentException.class, () -> SparkKernel.builder(null));
    }
}
