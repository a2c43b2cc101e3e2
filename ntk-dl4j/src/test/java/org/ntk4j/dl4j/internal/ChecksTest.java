package org.ntk4j.dl4j.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.listener.NtkListener;
import org.ntk4j.dl4j.listener.NtkSink;
import org.ntk4j.dl4j.listener.NtkSnapshot;
import org.ntk4j.dl4j.listener.internal.SinkCalls;
import org.ntk4j.dl4j.listener.internal.SnapshotOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared checks keep the exact messages the builders had before they were shared (texts written out here, not
 * taken from the code under test).
 */
class ChecksTest extends NtkTestBase {

    static void assertExactMessage(String expected, Executable e) {
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, e);
        assertEquals(expected, t.getMessage());
    }

    @Test
    void checksPassValidValuesThroughAndNameTheBadOnes() {
        Object o = new Object();
        assertSame(o, Checks.notNull("x", o));
        assertEquals(3, Checks.positive("b", 3));
        assertEquals(7L, Checks.positive("m", 7L));
        assertEquals(1, Checks.atLeastOne("n", 1));
        assertExactMessage("outputMode must not be null (got: null)", () -> Checks.notNull("outputMode", null));
        assertExactMessage("blockSize must be > 0 (got: 0)", () -> Checks.positive("blockSize", 0));
        assertExactMessage("memoryBudgetBytes must be > 0 (got: -5)", () -> Checks.positive("memoryBudgetBytes", -5L));
        assertExactMessage("memoryBudgetBytes must be > 0 (got: -9000000000)",
                () -> Checks.positive("memoryBudgetBytes", -9_000_000_000L));
        assertExactMessage("everyNEpochs must be >= 1 (got: -2)", () -> Checks.atLeastOne("everyNEpochs", -2));
    }

    @Test
    void finiteFindsNanAndInfinity() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = randn(type, SEED, 3, 4);
            assertTrue(Checks.finite(a));
            INDArray nan = a.dup();
            nan.putScalar(1, 2, Double.NaN);
            assertFalse(Checks.finite(nan));
            INDArray inf = a.dup();
            inf.putScalar(2, 3, Double.NEGATIVE_INFINITY);
            assertFalse(Checks.finite(inf));
        }
        assertTrue(Checks.finite(Nd4j.createFromArray(1, 2, 3)));
    }

    @Test
    void finiteLooksOnlyInsideAView() {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = randn(type, SEED, 6, 4);
            a.putScalar(0, 1, Double.NaN);
            a.putScalar(5, 3, Double.POSITIVE_INFINITY);
            INDArray rows = a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 5),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            assertTrue(Checks.finite(rows), type + ": the bad values lie outside the row view");
            assertFalse(Checks.finite(a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2),
                    org.nd4j.linalg.indexing.NDArrayIndex.all())), type + ": NaN in the first row");
            assertFalse(Checks.finite(a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 6),
                    org.nd4j.linalg.indexing.NDArrayIndex.all())), type + ": infinity in the last row");
            assertFalse(Checks.finite(a.transpose()), type + ": non-contiguous layout falls back to ND4J");
        }
    }

    @Test
    void publicBuildersKeepTheirMessages() {
        assertExactMessage("blockSize must be > 0 (got: 0)", () -> EmpiricalNtk.builder().blockSize(0));
        assertExactMessage("memoryBudgetBytes must be > 0 (got: -5)", () -> EmpiricalNtk.builder().memoryBudgetBytes(-5));
        assertExactMessage("implementation must not be null (got: null)", () -> EmpiricalNtk.builder().implementation(null));
        assertExactMessage("outputMode must not be null (got: null)", () -> EmpiricalNtk.builder().outputMode(null));
        INDArray probe = randn(DataType.DOUBLE, SEED, 4, 3);
        assertExactMessage("blockSize must be >= 1 (got: 0)", () -> NtkListener.builder(probe).blockSize(0));
        assertExactMessage("everyNIterations must be >= 1 (got: 0)", () -> NtkListener.builder(probe).everyNIterations(0));
        assertExactMessage("sink must not be null (got: null)", () -> NtkListener.builder(probe).sink(null));
        INDArray labels = randn(DataType.DOUBLE, SEED, 4, 2);
        labels.putScalar(0, 1, Double.POSITIVE_INFINITY);
        assertExactMessage("probeLabels contain NaN or infinite values (got: shape [4, 2])",
                () -> NtkListener.builder(probe).probeLabels(labels));
        INDArray bad = probe.dup();
        bad.putScalar(0, 0, Double.NaN);
        assertExactMessage("probeFeatures contains NaN or infinite values (got: shape [4, 3])",
                () -> NtkListener.builder(bad));
    }

    @Test
    void snapshotOptionsScheduleAndSinks() {
        SnapshotOptions none = new SnapshotOptions();
        assertEquals(100, none.effectiveEveryNIterations());
        assertEquals(0, none.everyNEpochs());
        SnapshotOptions epochs = new SnapshotOptions();
        epochs.everyNEpochs(2);
        assertEquals(0, epochs.effectiveEveryNIterations());
        assertEquals(2, epochs.everyNEpochs());
        SnapshotOptions both = new SnapshotOptions();
        both.everyNIterations(7);
        both.everyNEpochs(3);
        assertEquals(7, both.effectiveEveryNIterations());
        assertExactMessage("everyNIterations must be >= 1 (got: 0)", () -> both.everyNIterations(0));
        assertExactMessage("everyNEpochs must be >= 1 (got: 0)", () -> both.everyNEpochs(0));
        assertEquals(7, both.effectiveEveryNIterations());
        assertEquals(3, both.everyNEpochs());

        NtkSink a = (s, k) -> { }, b = (s, k) -> { };
        both.sink(a);
        both.sink(b);
        List<NtkSink> copy = both.sinks();
        assertEquals(List.of(a, b), copy);
        both.sink(a);
        assertEquals(2, copy.size(), "the copy does not follow later sinks");
        assertThrows(UnsupportedOperationException.class, () -> copy.add(a));
    }

    @Test
    void finiteLabelsIsADoubleCopy() {
        INDArray labels = randn(DataType.FLOAT, SEED, 5, 2);
        INDArray d = SnapshotOptions.finiteLabels(labels);
        assertEquals(DataType.DOUBLE, d.dataType());
        assertEquals(labels.castTo(DataType.DOUBLE), d);
        labels.putScalar(0, 0, 42.0);
        assertFalse(d.getDouble(0, 0) == 42.0, "the copy does not follow the caller's array");
        INDArray nan = randn(DataType.DOUBLE, SEED, 5);
        nan.putScalar(3, Double.NaN);
        assertExactMessage("probeLabels contain NaN or infinite values (got: shape [5])",
                () -> SnapshotOptions.finiteLabels(nan));
    }

    @Test
    void sinkCallsNameTheListenerAndCloseEverySink() {
        NtkSnapshot s = new NtkSnapshot(12, 0, Instant.EPOCH, 0, Double.NaN, 1, 1, 1, 1, 1, Double.NaN, 0, 1, 0);
        INDArray k = Nd4j.eye(2);
        List<String> calls = new ArrayList<>();
        NtkSink ok = new NtkSink() {
            @Override
            public void accept(NtkSnapshot snapshot, INDArray kernel) {
                calls.add("accept " + snapshot.iteration());
            }

            @Override
            public void close() {
                calls.add("close ok");
            }
        };
        NtkSink failing = new NtkSink() {
            @Override
            public void accept(NtkSnapshot snapshot, INDArray kernel) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void close() throws IOException {
                throw new IOException("cannot flush");
            }
        };
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> SinkCalls.deliver(List.of(ok, failing, ok), "SameDiffNtkListener", 12, s, k));
        assertEquals("SameDiffNtkListener sink failed at iteration 12: disk full", e.getMessage());
        assertEquals(List.of("accept 12"), calls, "stops at the first failing sink");

        calls.clear();
        e = assertThrows(UncheckedIOException.class, () -> SinkCalls.closeAll(List.of(failing, ok), "an NtkListener"));
        assertEquals("closing an NtkListener sink failed: cannot flush", e.getMessage());
        assertEquals(List.of("close ok"), calls, "closes the others after a failure");
    }
}
