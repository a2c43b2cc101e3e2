package org.ntk4j.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernel files: tiles written (and mirrored) equal the array they come from, read back by the general {@code .npy}
 * reader; an interrupted file resumes to the same bytes; foreign, damaged or orphaned files are refused untouched.
 */
class KernelFileTest extends NtkTestBase {
    @TempDir
    Path dir;

    /** A symmetric "kernel" with distinct entries (so a misplaced tile shows). */
    private static INDArray symmetric(DataType type, int n) {
        INDArray a = randn(DataType.DOUBLE, 5, n, n);
        return a.add(a.transpose()).castTo(type);
    }

    private static INDArray tileOf(INDArray k, KernelFileSpec s, long bi, long bj) {
        int m = s.entriesPerExample();
        long r0 = bi * s.block() * m, c0 = bj * s.block() * m;
        return k.get(NDArrayIndex.interval(r0, Math.min(k.size(0), r0 + (long) s.block() * m)),
                NDArrayIndex.interval(c0, Math.min(k.size(1), c0 + (long) s.block() * m)));
    }

    private static void writeAll(KernelFile f, INDArray k, long stopAfter) {
        KernelFileSpec s = f.spec();
        long written = 0;
        for (long i = 0; i < s.rowBlocks(); i++) {
            for (long j = s.symmetric() ? i : 0; j < s.colBlocks(); j++) {
                if (!f.isDone(i, j)) {
                    if (written++ == stopAfter) {
                        return;
                    }
                    f.writeTile(i, j, tileOf(k, s, i, j));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void symmetricTilesAreMirroredAndTheFileIsTheArray(DataType type) {
        INDArray k = symmetric(type, 23);
        KernelFileSpec spec = new KernelFileSpec(23, 23, 1, type, 5, true, "test-1");
        Path out = dir.resolve("k.npy");
        try (KernelFile f = KernelFile.openOrResume(out, spec)) {
            assertTrue(Files.exists(KernelFile.partialPath(out)) && Files.exists(KernelFile.ledgerPath(out)));
            assertFalse(Files.exists(out), "nothing at the final path before finish()");
            writeAll(f, k, Long.MAX_VALUE);
            assertEquals(15, f.tilesDone());
            f.finish();
        }
        assertFalse(Files.exists(KernelFile.partialPath(out)) || Files.exists(KernelFile.ledgerPath(out)));
        INDArray back = ArrayFiles.read(out);
        assertEquals(type, back.dataType());
        assertEquals(k, back);
        assertEquals(tileOf(k, spec, 4, 1), ArrayFiles.readNpyBlock(out, 20, 23, 5, 10));
    }

    @Test
    void rectangularFullLayoutInAnotherTypeIsCast() {
        INDArray k = randn(DataType.DOUBLE, 9, 7 * 2, 4 * 2);          // 7 x 4 examples, m = 2
        KernelFileSpec spec = new KernelFileSpec(7, 4, 2, DataType.FLOAT, 3, false, "test-2");
        Path out = dir.resolve("r.npy");
        try (KernelFile f = KernelFile.openOrResume(out, spec)) {
            writeAll(f, k, Long.MAX_VALUE);
            f.finish();
        }
        assertEquals(k.castTo(DataType.FLOAT), ArrayFiles.read(out));
        assertArrayEquals(new long[]{14, 8}, ArrayFiles.readNpyHeader(out).shape());
    }

    @Test
    void anInterruptedFileResumesToTheSameBytes() throws IOException {
        INDArray k = symmetric(DataType.FLOAT, 31);
        KernelFileSpec spec = new KernelFileSpec(31, 31, 1, DataType.FLOAT, 4, true, "test-3");
        Path whole = dir.resolve("whole.npy"), out = dir.resolve("cut.npy");
        try (KernelFile f = KernelFile.openOrResume(whole, spec)) {
            writeAll(f, k, Long.MAX_VALUE);
            f.finish();
        }
        try (KernelFile f = KernelFile.openOrResume(out, spec)) {
            writeAll(f, k, 13);                                        // "interrupted" after 13 of 36 tiles
        }
        assertFalse(Files.exists(out));
        // a record cut short by the interruption is dropped, not misread
        Files.write(KernelFile.ledgerPath(out), "tile 7 7 0000".getBytes(StandardCharsets.US_ASCII),
                java.nio.file.StandardOpenOption.APPEND);
        try (KernelFile f = KernelFile.openOrResume(out, spec)) {
            assertEquals(13, f.resumedTiles());
            writeAll(f, k, Long.MAX_VALUE);
            f.finish();
        }
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(out));
    }

    @Test
    void foreignDamagedAndOrphanedFilesAreRefusedUntouched() throws IOException {
        INDArray k = symmetric(DataType.FLOAT, 12);
        KernelFileSpec spec = new KernelFileSpec(12, 12, 1, DataType.FLOAT, 4, true, "run-a");
        Path out = dir.resolve("f.npy");
        try (KernelFile f = KernelFile.openOrResume(out, spec)) {
            writeAll(f, k, 3);
        }
        Path partial = KernelFile.partialPath(out), ledger = KernelFile.ledgerPath(out);
        byte[] partialBytes = Files.readAllBytes(partial), ledgerBytes = Files.readAllBytes(ledger);

        // another computation (fingerprint, block, type or shape) in the resume position
        for (KernelFileSpec other : new KernelFileSpec[]{
                new KernelFileSpec(12, 12, 1, DataType.FLOAT, 4, true, "run-b"),
                new KernelFileSpec(12, 12, 1, DataType.FLOAT, 3, true, "run-a"),
                new KernelFileSpec(12, 12, 1, DataType.DOUBLE, 4, true, "run-a"),
                new KernelFileSpec(12, 13, 1, DataType.FLOAT, 4, false, "run-a")}) {
            ArrayFormatException e = assertThrows(ArrayFormatException.class, () -> KernelFile.openOrResume(out, other));
            assertTrue(e.getMessage().startsWith(ledger.toString()) && e.getMessage().contains("records another kernel")
                    && e.getMessage().contains("delete"), e.getMessage());
        }
        assertArrayEquals(partialBytes, Files.readAllBytes(partial));
        assertArrayEquals(ledgerBytes, Files.readAllBytes(ledger));

        // a changed byte inside a finished tile
        long dataOffset = ArrayFiles.readNpyHeader(partial).dataOffset();
        try (RandomAccessFile raf = new RandomAccessFile(partial.toFile(), "rw")) {
            raf.seek(dataOffset + 4L * 12 + 4);                           // row 1, column 1: tile (0, 0)
            raf.write(raf.read() ^ 0x40);
        }
        byte[] damaged = Files.readAllBytes(partial);
        ArrayFormatException e = assertThrows(ArrayFormatException.class, () -> KernelFile.openOrResume(out, spec));
        assertTrue(e.getMessage().contains("tile (0, 0)") && e.getMessage().contains("checksum"), e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(partial));

        // a truncated partial file
        Files.write(partial, java.util.Arrays.copyOf(damaged, damaged.length - 8));
        e = assertThrows(ArrayFormatException.class, () -> KernelFile.openOrResume(out, spec));
        assertTrue(e.getMessage().startsWith(partial.toString()) && e.getMessage().contains("damaged"), e.getMessage());

        // a ledger that is not one
        Files.write(partial, damaged);
        Files.writeString(ledger, "hello\n");
        e = assertThrows(ArrayFormatException.class, () -> KernelFile.openOrResume(out, spec));
        assertTrue(e.getMessage().contains("not an ntk4j kernel ledger"), e.getMessage());
        assertEquals("hello\n", Files.readString(ledger));

        // a partial file without its ledger
        Files.delete(ledger);
        e = assertThrows(ArrayFormatException.class, () -> KernelFile.openOrResume(out, spec));
        assertTrue(e.getMessage().contains("exists without its ledger"), e.getMessage());
        assertArrayEquals(damaged, Files.readAllBytes(partial));
        assertFalse(Files.exists(out));
    }

    @Test
    void tilesOutsideTheGridOrOfTheWrongShapeAreRefused() {
        KernelFileSpec spec = new KernelFileSpec(10, 10, 1, DataType.FLOAT, 4, true, "t");
        try (KernelFile f = KernelFile.openOrResume(dir.resolve("g.npy"), spec)) {
            assertThrows(IllegalArgumentException.class, () -> f.writeTile(1, 0, randn(DataType.FLOAT, 1, 4, 4)));
            assertThrows(IllegalArgumentException.class, () -> f.writeTile(0, 3, randn(DataType.FLOAT, 1, 4, 4)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.writeTile(0, 2, randn(DataType.FLOAT, 1, 4, 4)));
            assertTrue(e.getMessage().contains("[4, 2]"), e.getMessage());
            IllegalStateException missing = assertThrows(IllegalStateException.class, f::finish);
            assertTrue(missing.getMessage().startsWith("6 of 6 tiles"), missing.getMessage());
        }
    }

    /** Offsets past 2 GiB: a sparse 23,200² float32 file (2.15 GB), its last tile written, resumed and read back. */
    @Test
    void filesOverTwoGigabytes() {
        int n = 23_200, b = 512;
        KernelFileSpec spec = new KernelFileSpec(n, n, 1, DataType.FLOAT, b, true, "big");
        assertTrue(spec.dataBytes() > (2L << 30));
        Path out = dir.resolve("big.npy");
        long last = spec.rowBlocks() - 1, r0 = last * b;
        INDArray tile = randn(DataType.FLOAT, 3, n - r0, n - r0);
        INDArray other = randn(DataType.FLOAT, 4, b, n - r0);             // tile (last-1, last), mirrored too
        try (KernelFile f = KernelFile.openOrResume(out, spec)) {
            f.writeTile(last, last, tile);
            f.writeTile(last - 1, last, other);
        }
        try (KernelFile f = KernelFile.openOrResume(out, spec)) {        // resume re-reads both tiles' checksums
            assertEquals(2, f.resumedTiles());
        }
        Path partial = KernelFile.partialPath(out);
        assertEquals(tile, ArrayFiles.readNpyBlock(partial, r0, n, r0, n));
        assertEquals(other.transpose(), ArrayFiles.readNpyBlock(partial, r0, n, r0 - b, r0));
    }
}
