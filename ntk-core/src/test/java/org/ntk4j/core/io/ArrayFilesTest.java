package org.ntk4j.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ArrayFilesTest extends NtkTestBase {
    @TempDir
    Path dir;

    @Test
    void everyWritableTypeAndRankRoundTripsBitForBit() {
        for (DataType t : new DataType[]{DataType.DOUBLE, DataType.FLOAT, DataType.HALF, DataType.LONG, DataType.INT,
                DataType.SHORT, DataType.BYTE}) {
            for (long[] shape : new long[][]{{}, {5}, {3, 4}, {2, 3, 4}, {2, 2, 3, 2}, {0, 3}}) {
                long n = java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y);
                INDArray a = shape.length == 0 ? Nd4j.scalar(7.25).castTo(t) : n == 0 ? Nd4j.create(t, shape)
                        : Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(20).castTo(t);
                for (String ext : new String[]{".npy", ".npz"}) {
                    Path p = dir.resolve(t + "-" + shape.length + ext);
                    ArrayFiles.write(a, p);
                    INDArray b = ArrayFiles.read(p);
                    assertEquals(t, b.dataType(), p.toString());
                    assertArrayEquals(a.shape(), b.shape(), p.toString());
                    assertEquals(a, b, p.toString());
                }
            }
        }
    }

    @Test
    void viewsAndFortranOrderArraysAreWrittenInCOrder() {
        INDArray base = Nd4j.rand(DataType.DOUBLE, 6, 5);
        INDArray f = base.dup('f');
        INDArray view = base.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5, 2));
        ArrayFiles.write(f, dir.resolve("f.npy"));
        ArrayFiles.write(view, dir.resolve("v.npy"));
        assertEquals(base, ArrayFiles.read(dir.resolve("f.npy")));
        assertEquals(view.dup('c'), ArrayFiles.read(dir.resolve("v.npy")));
    }

    @Test
    void severalArraysInOneNpz() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("x_train", Nd4j.rand(DataType.FLOAT, 4, 3));
        m.put("y_train", Nd4j.rand(DataType.DOUBLE, 4, 1));
        Path p = dir.resolve("data.npz");
        ArrayFiles.writeNpz(m, p);
        assertEquals(m.get("x_train"), ArrayFiles.read(p + ":x_train", ReadOptions.defaults()));
        assertEquals(m.get("y_train"), ArrayFiles.read(p, ReadOptions.builder().npzEntry("y_train.npy").build()));
        ArrayFormatException e = assertThrows(ArrayFormatException.class, () -> ArrayFiles.read(p));
        assertTrue(e.getMessage().contains("holds 2 arrays (x_train, y_train): name one, as FILE.npz:x_train"),
                e.getMessage());
    }

    @Test
    void csvHeaderDetectedForcedOrAbsent() throws IOException {
        Path named = dir.resolve("named.csv"), numeric = dir.resolve("numeric.csv");
        Files.writeString(named, "a,b\n1,2\n3,4\n");
        Files.writeString(numeric, "0,1\n1,2\n3,4\n");
        INDArray two = Nd4j.createFromArray(new double[][]{{1, 2}, {3, 4}});
        assertEquals(two, ArrayFiles.read(named));
        assertEquals(3, ArrayFiles.read(numeric).size(0), "numeric names look like data unless told");
        ReadOptions present = ReadOptions.builder().csvHeader(CsvHeader.PRESENT).build();
        assertEquals(two, ArrayFiles.read(numeric, present));
        ReadOptions absent = ReadOptions.builder().csvHeader(CsvHeader.ABSENT).build();
        ArrayFormatException e = assertThrows(ArrayFormatException.class, () -> ArrayFiles.read(named, absent));
        assertTrue(e.getMessage().endsWith("line 1 column 1 is not a number ('a')"), e.getMessage());
        Files.writeString(named, "x\n1e3\n-.5\nNaN\n-inf\n+2.\n");
        INDArray col = ArrayFiles.read(named);
        assertArrayEquals(new long[]{5, 1}, col.shape());
        assertArrayEquals(new double[]{1000, -0.5, Double.NaN, Double.NEGATIVE_INFINITY, 2}, col.toDoubleVector());
    }

    @Test
    void csvTablesWithAHeaderReadBackToTheSameDoubles() {
        INDArray t = Nd4j.rand(DataType.DOUBLE, 5, 3).subi(0.5).divi(3);
        Path p = dir.resolve("table.csv");
        ArrayFiles.writeCsv(t, java.util.List.of("gamma", "theta_init", "theta_end"), p);
        assertEquals(t, ArrayFiles.read(p));
        ArrayFormatException e = assertThrows(ArrayFormatException.class,
                () -> ArrayFiles.writeCsv(t, java.util.List.of("a", "1", "c"), dir.resolve("bad.csv")));
        assertTrue(e.getMessage().contains("cannot write column name '1'"), e.getMessage());
        assertThrows(ArrayFormatException.class, () -> ArrayFiles.writeCsv(t, java.util.List.of("a", "b"), p));
        assertEquals(t, ArrayFiles.read(p), "the failed writes left the file as it was");
    }

    @Test
    void headersThatDoNotFit65535BytesAreWrittenAsVersion2() {
        long[] shape = new long[30000];
        java.util.Arrays.fill(shape, 1);
        byte[] h = org.ntk4j.core.io.internal.NpyHeaderCodec.format("<f8", shape);
        assertEquals(2, h[6], "version 2.0");
        long len = (h[8] & 0xFF) | (h[9] & 0xFF) << 8 | (h[10] & 0xFF) << 16 | (long) (h[11] & 0xFF) << 24;
        assertEquals(h.length, 12 + len);
        assertEquals(0, h.length % 64);
        assertEquals('\n', h[h.length - 1]);
        byte[] small = org.ntk4j.core.io.internal.NpyHeaderCodec.format("<f8", new long[]{3, 4});
        assertEquals(1, small[6], "version 1.0");
        assertEquals(128, small.length);
    }

    @Test
    void emptyArraysWithHugeDimensionsAreStillEmpty() throws IOException {
        Path p = dir.resolve("e.npy");
        String dict = "{'descr': '<f8', 'fortran_order': True, 'shape': (0, 100000000000000000), }";
        byte[] h = (dict + " ".repeat(118 - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(p, concat(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0}, h));
        INDArray a = ArrayFiles.read(p);
        assertTrue(a.isEmpty());
        assertArrayEquals(new long[]{0, 100000000000000000L}, a.shape());
    }

    @Test
    void sizeIsCheckedAgainstTheBudgetBeforeAllocating() {
        Path p = dir.resolve("big.npy");
        ArrayFiles.write(Nd4j.zeros(DataType.DOUBLE, 100, 100), p);
        ReadOptions small = ReadOptions.builder().memoryBudget(MemoryBudget.ofBytes(1000)).build();
        MemoryBudgetExceededException e = assertThrows(MemoryBudgetExceededException.class,
                () -> ArrayFiles.read(p, small));
        assertEquals(80_000, e.neededBytes());
        assertTrue(e.getMessage().startsWith("reading " + p + " ([100, 100] float64, C order) needs"), e.getMessage());
    }

    @Test
    void aFailedWriteLeavesTheTargetUntouchedAndNoTemporaryFile() throws IOException {
        Path p = dir.resolve("k.npy");
        INDArray a = Nd4j.rand(DataType.DOUBLE, 3, 3);
        ArrayFiles.write(a, p);
        ArrayFormatException e = assertThrows(ArrayFormatException.class,
                () -> ArrayFiles.write(Nd4j.create(DataType.BOOL, 2, 2), p));
        assertTrue(e.getMessage().contains("cannot write bool arrays as .npy"), e.getMessage());
        assertThrows(ArrayFormatException.class, () -> ArrayFiles.write(Nd4j.rand(DataType.DOUBLE, 2, 2, 2),
                dir.resolve("k.csv")));
        assertThrows(ArrayFormatException.class, () -> ArrayFiles.write(a, dir.resolve("missing/k.npy")));
        assertEquals(a, ArrayFiles.read(p));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "only k.npy");
        }
    }

    @Test
    void pipesAreReadAsStreamsWhateverTheirName() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/mkfifo")), "mkfifo not available");
        INDArray a = Nd4j.rand(DataType.DOUBLE, 7, 3);
        Path npy = dir.resolve("a.npy"), npz = dir.resolve("a.npz"), csv = dir.resolve("a.csv");
        ArrayFiles.write(a, npy);
        ArrayFiles.write(a, npz);
        ArrayFiles.write(a, csv);
        for (Path src : new Path[]{npy, npz, csv}) {
            assertEquals(a, ArrayFiles.read(throughPipe(Files.readAllBytes(src), "fifo")), src.toString());
        }
        byte[] good = Files.readAllBytes(npy);
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
        ArrayFormatException e = assertThrows(ArrayFormatException.class, () -> ArrayFiles.read(throughPipe(cut, "cut")));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("(3 missing)"), e.getMessage());
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 5);
        e = assertThrows(ArrayFormatException.class, () -> ArrayFiles.read(throughPipe(longer, "long")));
        assertTrue(e.getMessage().contains("holds 5 bytes more than its header describes"), e.getMessage());
    }

    private Path throughPipe(byte[] content, String name) throws Exception {
        Path fifo = dir.resolve(name + System.nanoTime());
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo");
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(content);
            } catch (IOException ignored) {
                // the reader may stop early
            }
        });
        writer.setDaemon(true);
        writer.start();
        return fifo;
    }

    @Test
    void filesLargerThan2GiBAreReadWithLongOffsets() throws IOException {
        // a sparse int8 file of 2^31 + 64 elements: only the header and the last 64 bytes are real
        long n = (1L << 31) + 64;
        Path p = dir.resolve("big.npy");
        byte[] header = org.ntk4j.core.io.internal.NpyHeaderCodec.format("|i1", new long[]{n});
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(header);
            f.setLength(header.length + n);
            f.seek(header.length + n - 64);
            byte[] tail = new byte[64];
            for (int i = 0; i < 64; i++) {
                tail[i] = (byte) (i - 32);
            }
            f.write(tail);
        }
        NpyHeader h = ArrayFiles.readNpyHeader(p);
        assertEquals(n, h.elementCount());
        assumeTrue(MemoryBudget.defaultBudget().bytes() > n, "needs a 2 GiB memory budget");
        INDArray a = ArrayFiles.read(p);
        assertEquals(n, a.length());
        assertEquals(0, a.getLong(1L << 30));
        for (int i = 0; i < 64; i++) {
            assertEquals(i - 32, a.getLong(n - 64 + i), "element " + (n - 64 + i));
        }
    }

    @Test
    void arraysReadInsideAWorkspaceOutliveIt() {
        Path p = dir.resolve("w.npy"), f = dir.resolve("wf.npy");
        INDArray a = Nd4j.rand(DataType.DOUBLE, 4, 5);
        ArrayFiles.write(a, p);
        INDArray read, readF;
        var conf = org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        try (var ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "ntk-io-test")) {
            read = ArrayFiles.read(p);
            readF = ArrayFiles.read(GoldenFiles.dir().resolve("x_f_le_f8.npy"));
        }
        assertFalse(read.isAttached());
        assertFalse(readF.isAttached());
        assertEquals(a, read);
        assertEquals(ArrayFiles.read(GoldenFiles.dir().resolve("x_c_le_f8.npy")), readF);
    }

    @Test
    void bigEndianIsDecodedNotReinterpreted() throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(1.5).putDouble(-2.25);
        byte[] header = new String(org.ntk4j.core.io.internal.NpyHeaderCodec.format("<f8", new long[]{2}),
                StandardCharsets.ISO_8859_1).replace("'<f8'", "'>f8'").getBytes(StandardCharsets.ISO_8859_1);
        Path p = dir.resolve("be.npy");
        Files.write(p, concat(header, bb.array()));
        assertArrayEquals(new double[]{1.5, -2.25}, ArrayFiles.read(p).toDoubleVector());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void writtenFilesGetTheUsualPermissionsNotOwnerOnly() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = dir.resolve("plain.txt");
        Files.newOutputStream(plain).close();          // what any program creates here (the umask applies)
        INDArray a = Nd4j.createFromArray(new double[][]{{1, 2}, {3, 4}});
        for (String name : new String[]{"a.npy", "a.npz", "a.csv"}) {
            ArrayFiles.write(a, dir.resolve(name));
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(dir.resolve(name)), name);
        }
        ArrayFiles.writeCsv(a, java.util.List.of("p", "q"), dir.resolve("t.csv"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(dir.resolve("t.csv")));
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left");
        }
    }

    @Test
    void csvWritesIntegersWithoutAFractionAndReadsEveryValueBack() throws IOException {
        INDArray t = Nd4j.createFromArray(new double[][]{{64, -3, 0.1, 1e300}, {Math.pow(2, 53), -0.0, Double.NaN,
                Double.NEGATIVE_INFINITY}});
        Path p = dir.resolve("ints.csv");
        ArrayFiles.writeCsv(t, java.util.List.of("w", "s", "x", "y"), p);
        String[] lines = Files.readString(p, StandardCharsets.UTF_8).split("\n");
        assertEquals("64,-3,0.1,1.0E300", lines[1]);
        INDArray back = ArrayFiles.read(p);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(Double.doubleToLongBits(t.getDouble(i, j)), Double.doubleToLongBits(back.getDouble(i, j)),
                        "(" + i + ", " + j + ")");
            }
        }
    }
}
