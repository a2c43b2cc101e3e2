package org.ntk4j.dl4j.listener;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link NtkSink} (see its javadoc), one subclass per ready-made sink: {@code accept} neither modifies
 * nor keeps the kernel, nothing is written before the first snapshot, snapshots are recorded in order, {@code close}
 * may be called at any time and more than once, the sink accepts snapshots again after it (appending), and a failure to
 * write is an {@link IOException}. Subclasses say where the sink writes and how to read back what it recorded.
 */
abstract class NtkSinkContract extends NtkTestBase {
    @TempDir
    Path dir;

    /**
     * @param dir a fresh empty directory for this test
     * @return a new sink writing under it
     */
    protected abstract NtkSink sink(Path dir);

    /**
     * @param dir the directory given to {@link #sink}
     * @return the iterations of the snapshots the sink recorded, in order (empty when nothing was written)
     * @throws IOException when reading back fails
     */
    protected abstract List<Long> recorded(Path dir) throws IOException;

    /**
     * @param dir a fresh directory
     * @return a sink whose target cannot be written (a regular file where it needs a directory), or null for a sink
     *         that cannot fail
     * @throws IOException when preparing the blocked target fails
     */
    protected abstract NtkSink unwritable(Path dir) throws IOException;

    /**
     * @param dir       the directory given to {@link #sink}
     * @param iteration a recorded snapshot's iteration
     * @return the kernel recorded with it, or null when the sink does not record kernels
     * @throws IOException when reading back fails
     */
    protected INDArray recordedKernel(Path dir, long iteration) throws IOException {
        return null;
    }

    /** A snapshot with distinct, finite values. */
    static NtkSnapshot snapshot(long iteration) {
        return new NtkSnapshot(iteration, (int) (iteration / 10), Instant.parse("2026-12-01T12:00:00Z"),
                0.01 * iteration, 0.5, 3.25, 2.5, 0.125, 20.0, 1.75, -0.375, 0.002 * iteration, 0.8, 0.031);
    }

    /** A TRACE {@code [3, 3]} or FULL {@code [3, 3, 2, 2]} kernel of known entries. */
    static INDArray kernel(DataType type, boolean full) {
        return full ? randn(type, 7, 3, 3, 2, 2) : randn(type, 8, 3, 3);
    }

    @Test
    void nothingIsWrittenBeforeTheFirstSnapshot() throws IOException {
        NtkSink s = sink(dir);
        assertEquals(List.of(), recorded(dir));
        s.close();
        s.close();
        assertEquals(List.of(), recorded(dir), "closing an unused sink writes nothing");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void acceptNeitherModifiesNorKeepsTheKernel(DataType type) throws IOException {
        for (boolean full : new boolean[]{false, true}) {
            Path d = dir.resolve(type + (full ? "-full" : "-trace"));
            Files.createDirectories(d);
            NtkSink s = sink(d);
            INDArray k = kernel(type, full);
            INDArray before = k.dup();
            s.accept(snapshot(0), k);
            NtkAssertions.assertBitIdentical(before, k, "the kernel after accept");
            k.assign(-1.0); // the listener may reuse or release the kernel after the call
            s.accept(snapshot(1), kernel(type, full));
            s.close();
            assertEquals(List.of(0L, 1L), recorded(d));
            INDArray back = recordedKernel(d, 0);
            if (back != null) {
                NtkAssertions.assertBitIdentical(before, back, "the recorded kernel is the one given, not kept");
            }
        }
    }

    @Test
    void recordsSnapshotsInOrderAndAcceptsAgainAfterClose() throws IOException {
        NtkSink s = sink(dir);
        INDArray k = kernel(DataType.DOUBLE, false);
        s.accept(snapshot(0), k);
        s.accept(snapshot(5), k);
        s.close();
        s.close();
        s.accept(snapshot(10), k);
        s.close();
        assertEquals(List.of(0L, 5L, 10L), recorded(dir), "appended after close, in order");
    }

    @Test
    void aFailureToWriteIsAnIOException() throws IOException {
        Path d = dir.resolve("blocked");
        Files.createDirectories(d);
        NtkSink s = unwritable(d);
        Assumptions.assumeTrue(s != null, "this sink cannot fail");
        IOException e = assertThrows(IOException.class, () -> s.accept(snapshot(0), kernel(DataType.DOUBLE, false)));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the failure names its cause");
        s.close();
    }
}
