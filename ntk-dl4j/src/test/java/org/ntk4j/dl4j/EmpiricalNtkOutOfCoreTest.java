package org.ntk4j.dl4j;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ArrayFormatException;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Out-of-core kernels at small N with a budget too small for the in-memory kernel: the file equals the in-memory
 * kernel of a large budget (the dense-chain path and the general engine, TRACE and FULL, symmetric and not, FLOAT and
 * DOUBLE); an interrupted run resumes to the same file; a foreign or damaged file in the resume position is refused.
 */
class EmpiricalNtkOutOfCoreTest extends NtkTestBase {
    private static final int N = 77;
    /** Enough for a few tiles of 8 examples, not for a 77 x 77 kernel. */
    private static final long SMALL = 20_000;

    @TempDir
    Path dir;

    private static EmpiricalNtk.Builder small(OutputMode mode) {
        return EmpiricalNtk.builder().outputMode(mode).blockSize(8).memoryBudgetBytes(SMALL);
    }

    private static INDArray inMemory(MultiLayerNetwork net, OutputMode mode, INDArray x1, INDArray x2) {
        INDArray k = EmpiricalNtk.builder().outputMode(mode).blockSize(8).build().compute(net, x1, x2);
        return mode == OutputMode.FULL ? KernelLayout.flatten(k) : k;
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void denseChainFileEqualsTheInMemoryKernel(DataType type) {
        MultiLayerNetwork net = TestNets.mlp(type, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        INDArray x = randn(type, 1, N, 4), x2 = randn(type, 2, 13, 4);
        EmpiricalNtk ntk = small(OutputMode.TRACE).build();
        assertThrows(MemoryBudgetExceededException.class, () -> ntk.compute(net, x), "the budget is forced low");
        Path out = dir.resolve("k.npy");
        KernelFileResult r = ntk.computeToFile(net, x, null, out, type);
        assertEquals(55, r.tilesComputed());
        assertEquals(0, r.tilesResumed());
        assertEquals(inMemory(net, OutputMode.TRACE, x, null), ArrayFiles.read(out));       // every bit
        ntk.computeToFile(net, x, x2, out);                                                  // FLOAT by default
        assertEquals(inMemory(net, OutputMode.TRACE, x, x2).castTo(DataType.FLOAT), ArrayFiles.read(out));
        EmpiricalNtk full = small(OutputMode.FULL).memoryBudgetBytes(4 * SMALL).build();
        full.computeToFile(net, x, null, out, type);
        INDArray flat = ArrayFiles.read(out);
        assertArrayEquals(new long[]{N * 3, N * 3}, flat.shape());
        assertEquals(inMemory(net, OutputMode.FULL, x, null), flat);
        // the tiles a distributed writer computes are those of the file
        assertEquals(ArrayFiles.readNpyBlock(out, 8 * 3, 16 * 3, 32 * 3, 40 * 3), full.computeTile(net, x, null, 1, 4));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void generalEngineFileEqualsTheInMemoryKernel(DataType type) {
        MultiLayerNetwork net = TestNets.mixed(type);
        INDArray x = randn(type, 3, N, 4);
        for (OutputMode mode : OutputMode.values()) {
            for (NtkImplementation impl : new NtkImplementation[]{NtkImplementation.AUTO, NtkImplementation.JACOBIAN}) {
                Path out = dir.resolve("g-" + mode + impl + ".npy");
                small(mode).implementation(impl).memoryBudgetBytes(8 * SMALL).build()
                        .computeToFile(net, x, null, out, type);
                INDArray k = EmpiricalNtk.builder().outputMode(mode).implementation(impl).blockSize(8).build()
                        .compute(net, x);
                assertEquals(mode == OutputMode.FULL ? KernelLayout.flatten(k) : k, ArrayFiles.read(out),
                        mode + " " + impl);
            }
        }
    }

    /** Interrupts a run after some tiles (as a kill would, between two tiles), then reruns the same call. */
    @Test
    void anInterruptedRunResumesToTheSameFile() throws IOException {
        MultiLayerNetwork net = TestNets.mlp(DataType.FLOAT, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        INDArray x = randn(DataType.FLOAT, 4, N, 4);
        Path whole = dir.resolve("whole.npy"), out = dir.resolve("cut.npy");
        small(OutputMode.TRACE).build().computeToFile(net, x, null, whole);
        RuntimeException stop = new RuntimeException("interrupted");
        EmpiricalNtk interrupted = small(OutputMode.TRACE).progress((done, total) -> {
            if (done == 6) {
                throw stop;
            }
        }).build();
        assertEquals(stop, assertThrows(RuntimeException.class, () -> interrupted.computeToFile(net, x, null, out)));
        assertFalse(Files.exists(out));
        assertTrue(Files.exists(KernelFile.partialPath(out)) && Files.exists(KernelFile.ledgerPath(out)));
        long[] last = new long[1];
        KernelFileResult r = small(OutputMode.TRACE).progress((done, total) -> last[0] = done).build()
                .computeToFile(net, x, null, out);
        assertEquals(6, r.tilesResumed());
        assertEquals(55 - 6, r.tilesComputed());
        assertEquals(55, last[0]);
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(out));
        assertFalse(Files.exists(KernelFile.partialPath(out)) || Files.exists(KernelFile.ledgerPath(out)));
    }

    @Test
    void aForeignOrDamagedFileInTheResumePositionIsRefused() throws IOException {
        MultiLayerNetwork net = TestNets.mlp(DataType.FLOAT, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        INDArray x = randn(DataType.FLOAT, 5, N, 4);
        Path out = dir.resolve("f.npy");
        EmpiricalNtk interrupted = small(OutputMode.TRACE).progress((done, total) -> {
            if (done == 4) {
                throw new IllegalStateException("interrupted");
            }
        }).build();
        assertThrows(IllegalStateException.class, () -> interrupted.computeToFile(net, x, null, out));
        Path partial = KernelFile.partialPath(out), ledger = KernelFile.ledgerPath(out);
        byte[] before = Files.readAllBytes(partial);
        EmpiricalNtk ntk = small(OutputMode.TRACE).build();

        // other features, other parameters, another block size or mode: another computation
        INDArray otherX = x.dup();
        otherX.putScalar(76, 3, 0.5);
        MultiLayerNetwork trained = net.clone();
        trained.params().putScalar(0, trained.params().getDouble(0) + 1e-3);
        for (Runnable other : new Runnable[]{
                () -> ntk.computeToFile(net, otherX, null, out),
                () -> ntk.computeToFile(trained, x, null, out),
                () -> small(OutputMode.TRACE).blockSize(7).build().computeToFile(net, x, null, out),
                () -> ntk.computeToFile(net, x, null, out, DataType.DOUBLE)}) {
            ArrayFormatException e = assertThrows(ArrayFormatException.class, other::run);
            assertTrue(e.getMessage().contains("records another kernel"), e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(partial));
        assertEquals(ntk.fileSpec(net, x, null, DataType.FLOAT).fingerprint(),
                new String(Files.readAllBytes(ledger)).lines().filter(l -> l.startsWith("fingerprint "))
                        .findFirst().orElseThrow().substring(12));

        // a changed byte in a finished tile
        long offset = ArrayFiles.readNpyHeader(partial).dataOffset();
        try (RandomAccessFile raf = new RandomAccessFile(partial.toFile(), "rw")) {
            raf.seek(offset + 4L * (N + 2));                                  // element (1, 2): tile (0, 0)
            raf.write(raf.read() ^ 1);
        }
        ArrayFormatException e = assertThrows(ArrayFormatException.class, () -> ntk.computeToFile(net, x, null, out));
        assertTrue(e.getMessage().contains("checksum") && e.getMessage().contains("delete"), e.getMessage());
        assertFalse(Files.exists(out));
        // after deleting both, the same call starts again
        Files.delete(partial);
        Files.delete(ledger);
        ntk.computeToFile(net, x, null, out);
        assertEquals(inMemory(net, OutputMode.TRACE, x, null), ArrayFiles.read(out));
    }

    @Test
    void tileWorkOverTheBudgetIsRefusedBeforeAnyFile() {
        MultiLayerNetwork net = TestNets.mlp(DataType.FLOAT, Activation.IDENTITY, LossFunctions.LossFunction.MSE);
        INDArray x = randn(DataType.FLOAT, 6, N, 4);
        Path out = dir.resolve("none.npy");
        MemoryBudgetExceededException e = assertThrows(MemoryBudgetExceededException.class,
                () -> EmpiricalNtk.builder().blockSize(32).memoryBudgetBytes(2_000).build()
                        .computeToFile(net, x, null, out));
        assertTrue(e.getMessage().contains("tile by tile") && e.getMessage().contains("blockSize"), e.getMessage());
        assertFalse(Files.exists(out) || Files.exists(KernelFile.partialPath(out))
                || Files.exists(KernelFile.ledgerPath(out)));
        KernelFileSpec spec = EmpiricalNtk.builder().blockSize(8).build().fileSpec(net, x, null, DataType.FLOAT);
        assertEquals(55, spec.tiles());
    }
}
