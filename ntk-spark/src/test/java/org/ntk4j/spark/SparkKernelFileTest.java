package org.ntk4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.analytic.AnalyticKernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * Kernels on an in-process Spark ({@code local[2,2]}) written by the driver to an out-of-core {@link KernelFile},
 * against the single-machine kernels (in memory, and {@code EmpiricalNtk.computeToFile}'s file) and central finite
 * differences; resuming an interrupted file; the driver's memory budget.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SparkKernelFileTest extends NtkTestBase {
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

    private static void assertComplete(Path out) {
        assertTrue(Files.exists(out), out + " written");
        assertFalse(Files.exists(KernelFile.partialPath(out)), "no partial file left");
        assertFalse(Files.exists(KernelFile.ledgerPath(out)), "no ledger left");
    }

    @Test
    void traceFileEqualsSingleMachineFiniteDifferencesAndComputeToFileDouble(@TempDir Path dir) {
        MultiLayerNetwork net = SparkKernelTest.net(DataType.DOUBLE, 2);
        INDArray x = randn(DataType.DOUBLE, 1, 23, 3);
        Path out = dir.resolve("k.npy");
        SparkKernelResult r = SparkKernel.builder(jsc).tileSize(5).tilesPerTask(2).build()
                .empiricalToFile(net, x, null, out, DataType.DOUBLE);
        assertNull(r.kernel(), "written to the file, not held");
        assertEquals(out, r.file());
        assertEquals(15, r.tiles());
        assertEquals(0, r.resumedTiles());
        assertEquals(8, r.tasks());
        assertComplete(out);
        INDArray k = ArrayFiles.read(out);
        assertEquals(DataType.DOUBLE, k.dataType());
        assertClose(EmpiricalNtk.builder().build().compute(net, x), k, tol(DataType.DOUBLE).exact(),
                "Spark file vs single machine in memory");
        assertClose(FiniteDifferenceReference.trace(net, x, x, 1e-5), k, tol(DataType.DOUBLE).finiteDiff(),
                "Spark file vs finite differences");
        assertEquals(k, k.transpose(), "the file's mirrored halves are exactly symmetric");
        Path single = dir.resolve("single.npy");
        EmpiricalNtk.builder().blockSize(5).build().computeToFile(net, x, null, single, DataType.DOUBLE);
        assertClose(ArrayFiles.read(single), k, tol(DataType.DOUBLE).exact(), "Spark file vs computeToFile's file");
    }

    @Test
    void rectangularFullFileFloatIsTheFlattenedLayout(@TempDir Path dir) {
        MultiLayerNetwork net = SparkKernelTest.net(DataType.FLOAT, 3);
        INDArray x1 = randn(DataType.FLOAT, 2, 11, 3), x2 = randn(DataType.FLOAT, 3, 7, 3);
        Path out = dir.resolve("full.npy");
        SparkKernelResult r = SparkKernel.builder(jsc).tileSize(4).outputMode(OutputMode.FULL).build()
                .empiricalToFile(net, x1, x2, out, DataType.FLOAT);
        assertEquals(6, r.tiles(), "3 x 2 blocks");
        INDArray k = ArrayFiles.read(out);
        assertEquals(DataType.FLOAT, k.dataType());
        INDArray single = EmpiricalNtk.builder().outputMode(OutputMode.FULL).build().compute(net, x1, x2);
        assertClose(KernelLayout.flatten(single), k, tol(DataType.FLOAT).exact(), "[n1·o, n2·o] FULL file");

        // symmetric: the file mirrors the flattened off-diagonal tiles
        MultiLayerNetwork dnet = SparkKernelTest.net(DataType.DOUBLE, 2);
        INDArray x = randn(DataType.DOUBLE, 4, 9, 3);
        Path sym = dir.resolve("sym.npy");
        SparkKernel.builder(jsc).tileSize(4).outputMode(OutputMode.FULL).build()
                .empiricalToFile(dnet, x, null, sym, DataType.DOUBLE);
        assertClose(KernelLayout.flatten(EmpiricalNtk.builder().outputMode(OutputMode.FULL).build().compute(dnet, x)),
                ArrayFiles.read(sym), tol(DataType.DOUBLE).exact(), "symmetric FULL file [18, 18]");
    }

    @Test
    void injectedFailureIsRetriedAndTheFileIsStillEqual(@TempDir Path dir) {
        MultiLayerNetwork net = SparkKernelTest.net(DataType.DOUBLE, 2);
        INDArray x = randn(DataType.DOUBLE, 5, 17, 3);
        Path out = dir.resolve("k.npy");
        // as in SparkKernelTest: task 1's attempt 0 fails after writing tiles (0,3) and (0,4)
        SparkKernelResult r = SparkKernel.builder(jsc).tileSize(4).tilesPerTask(3)
                .decorate(c -> new SparkKernelTest.FailFirstAttempt<>(c, 1)).build()
                .empiricalToFile(net, x, null, out, DataType.DOUBLE);
        assertEquals(1, r.failedAttempts(), "one injected failure");
        assertEquals(6, r.taskAttempts());
        assertComplete(out);
        assertClose(EmpiricalNtk.builder().build().compute(net, x), ArrayFiles.read(out), tol(DataType.DOUBLE).exact(),
                "retried job's file vs single machine");
    }

    @Test
    void continuesAnInterruptedSingleMachineFile(@TempDir Path dir) {
        MultiLayerNetwork net = SparkKernelTest.net(DataType.DOUBLE, 1);
        INDArray x = randn(DataType.DOUBLE, 6, 18, 3);
        Path out = dir.resolve("k.npy");
        EmpiricalNtk ntk = EmpiricalNtk.builder().blockSize(4).build();
        KernelFileSpec spec = ntk.fileSpec(net, x, null, DataType.DOUBLE);
        // a single-machine run stopped after three tiles: its partial file and ledger stay
        try (KernelFile f = KernelFile.openOrResume(out, spec)) {
            for (long[] t : new long[][]{{0, 0}, {0, 1}, {1, 1}}) {
                f.writeTile(t[0], t[1], ntk.computeTile(net, x, null, t[0], t[1]));
            }
        }
        assertTrue(Files.exists(KernelFile.ledgerPath(out)));
        SparkKernelResult r = SparkKernel.builder(jsc).tileSize(4).tilesPerTask(1).build()
                .empiricalToFile(net, x, null, out, DataType.DOUBLE);
        assertEquals(15, r.tiles(), "5 block rows");
        assertEquals(3, r.resumedTiles(), "the file's three tiles are kept");
        assertEquals(12, r.tasks(), "only the other twelve tiles are computed, one per task");
        assertComplete(out);
        assertClose(ntk.compute(net, x), ArrayFiles.read(out), tol(DataType.DOUBLE).exact(),
                "resumed file vs single machine");
    }

    @Test
    void failedJobLeavesAFileThatTheRerunContinues(@TempDir Path dir) {
        MultiLayerNetwork net = SparkKernelTest.net(DataType.DOUBLE, 1);
        INDArray x = randn(DataType.DOUBLE, 7, 20, 3);
        Path out = dir.resolve("k.npy");
        // 5 block rows, 15 tiles, one per task; the last task fails on both of its attempts (local[2,2])
        SparkKernel failing = SparkKernel.builder(jsc).tileSize(4).tilesPerTask(1)
                .decorate(c -> new SparkKernelTest.FailAlways<>(c, 14)).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> failing.empiricalToFile(net, x, null, out, DataType.DOUBLE));
        assertTrue(e.getMessage().startsWith("the Spark job failed"), e.getMessage());
        assertFalse(Files.exists(out));
        assertTrue(Files.exists(KernelFile.partialPath(out)) && Files.exists(KernelFile.ledgerPath(out)),
                "the partial file and its ledger stay");
        SparkKernelResult r = SparkKernel.builder(jsc).tileSize(4).tilesPerTask(1).build()
                .empiricalToFile(net, x, null, out, DataType.DOUBLE);
        // when the last task starts, at most one other is still running (two task threads), so at least 13 tiles
        // were whole in the (temporary, since deleted) tile directory and went into the file
        assertTrue(r.resumedTiles() >= 13, "resumed " + r.resumedTiles());
        assertEquals(15 - r.resumedTiles(), r.tasks(), "only the missing tiles are computed");
        assertComplete(out);
        assertClose(EmpiricalNtk.builder().build().compute(net, x), ArrayFiles.read(out), tol(DataType.DOUBLE).exact(),
                "file finished by the rerun vs single machine");
    }

    @Test
    void kernelOverTheDriverBudgetIsRefusedInMemoryAndWrittenToFile(@TempDir Path dir) {
        MultiLayerNetwork net = SparkKernelTest.net(DataType.DOUBLE, 1);
        INDArray x = randn(DataType.DOUBLE, 8, 17, 3);
        // the kernel is 17 · 17 · 8 = 2312 bytes; a tile on the driver 4 · 4 · (8 + 2 · 8) = 384
        SparkKernel sk = SparkKernel.builder(jsc).tileSize(4).memoryBudgetBytes(2000).build();
        MemoryBudgetExceededException e = assertThrows(MemoryBudgetExceededException.class,
                () -> sk.empirical(net, x, null));
        assertTrue(e.getMessage().contains("driver") && e.getMessage().contains("ToFile"), e.getMessage());
        Path out = dir.resolve("k.npy");
        SparkKernelResult r = sk.empiricalToFile(net, x, null, out, DataType.DOUBLE);
        assertEquals(15, r.tiles());
        assertComplete(out);
        assertClose(EmpiricalNtk.builder().build().compute(net, x), ArrayFiles.read(out), tol(DataType.DOUBLE).exact(),
                "file under a low driver budget vs single machine");
        MemoryBudgetExceededException tile = assertThrows(MemoryBudgetExceededException.class,
                () -> SparkKernel.builder(jsc).tileSize(17).memoryBudgetBytes(2000).build()
                        .empiricalToFile(net, x, null, dir.resolve("k2.npy"), DataType.DOUBLE));
        assertTrue(tile.getMessage().contains("tileSize"), tile.getMessage());
        assertFalse(Files.exists(KernelFile.partialPath(dir.resolve("k2.npy"))), "nothing written");
    }

    @Test
    void analyticKernelsToFile(@TempDir Path dir) {
        MultiLayerConfiguration c = SparkKernelTest.conf(DataType.DOUBLE, 1);
        INDArray x1 = randn(DataType.DOUBLE, 8, 13, 3), x2 = randn(DataType.DOUBLE, 9, 6, 3);
        SparkKernel sk = SparkKernel.builder(jsc).tileSize(5).build();
        Path ntk = dir.resolve("ntk.npy"), nngp = dir.resolve("nngp.npy");
        sk.analyticToFile(c, null, 1e-6, false, x1, null, ntk, DataType.DOUBLE);
        assertClose(AnalyticKernels.of(c).compute(x1).ntk(), ArrayFiles.read(ntk), tol(DataType.DOUBLE).exact(), "NTK");
        sk.analyticToFile(c, null, 1e-6, true, x1, x2, nngp, DataType.FLOAT);
        INDArray k = ArrayFiles.read(nngp);
        assertEquals(DataType.FLOAT, k.dataType());
        assertClose(AnalyticKernels.of(c).compute(x1, x2).nngp(), k.castTo(DataType.DOUBLE),
                tol(DataType.FLOAT).exact(), "NNGP in a FLOAT file");
        assertThrows(IllegalArgumentException.class,
                () -> sk.analyticToFile(c, null, 1e-6, true, x1, x2, dir.resolve("x.npy"), DataType.INT32));
    }
}
