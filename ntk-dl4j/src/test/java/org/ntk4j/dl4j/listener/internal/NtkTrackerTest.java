package org.ntk4j.dl4j.listener.internal;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.listener.NtkSnapshot;
import org.ntk4j.dl4j.listener.NtkSpectrum;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracking core on its own, with a probe whose kernels are known in closed form: the k-th kernel it returns is
 * {@code (1 + k)·diag(1, 2)}, so the drift from Θ0 is {@code k}, the change since the previous {@code 1/k}, λmax
 * {@code 2(1 + k)}, the trace {@code 3(1 + k)} and the stable rate {@code n·o/λmax}.
 */
class NtkTrackerTest extends NtkTestBase {

    /** The closed-form probe; {@code outputs} o, parameter change {@code 0.5·k}. */
    private static final class ScaledProbe implements KernelProbe {
        private final int outputs;
        private int calls;

        ScaledProbe(int outputs) {
            this.outputs = outputs;
        }

        @Override
        public INDArray kernel() {
            INDArray k = Nd4j.diag(Nd4j.createFromArray(1.0, 2.0)).muli(1.0 + calls);
            calls++;
            return k;
        }

        @Override
        public double parameterChange() {
            return 0.5 * (calls - 1);
        }

        @Override
        public int outputs() {
            return outputs;
        }
    }

    private static NtkTracker tracker(SnapshotOptions options, INDArray labels, OutputMode mode) {
        return new NtkTracker("TestListener", "a TestListener", options, labels, mode);
    }

    private static List<Long> iterations(NtkTracker t) {
        return t.log().history().stream().map(NtkSnapshot::iteration).toList();
    }

    @Test
    void metricsFollowTheKnownKernels() {
        SnapshotOptions o = new SnapshotOptions();
        o.everyNIterations(1);
        NtkTracker t = tracker(o, null, OutputMode.TRACE);
        assertFalse(t.started());
        assertNull(t.log().initialKernel());
        t.start(new ScaledProbe(3), 0, 0);
        assertTrue(t.started());
        for (long u = 1; u <= 4; u++) {
            t.afterUpdate(u, 0);
        }
        List<NtkSnapshot> h = t.log().history();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), iterations(t));
        for (int k = 0; k < h.size(); k++) {
            NtkSnapshot s = h.get(k);
            assertEquals(k, s.drift(), 1e-12, "drift of snapshot " + k);
            if (k == 0) {
                assertTrue(Double.isNaN(s.changeSincePrevious()));
            } else {
                assertEquals(1.0 / k, s.changeSincePrevious(), 1e-12);
            }
            assertEquals(2.0 * (1 + k), s.lambdaMax(), 1e-12);
            assertEquals(1.0 + k, s.lambdaMin(), 1e-12);
            assertEquals(3.0 * (1 + k), s.trace(), 1e-12);
            assertEquals(2.0 * 3 / (2.0 * (1 + k)), s.maxStableLearningRate(), 1e-12, "n·o/λmax with n = 2, o = 3");
            assertEquals(0.5 * k, s.parameterChange(), 1e-15);
            assertTrue(Double.isNaN(s.alignment()), "no labels, no alignment");
        }
        assertEquals(1.0, t.log().initialKernel().getDouble(0, 0));
        assertEquals(10.0, t.log().latestKernel().getDouble(1, 1));
        List<NtkSpectrum> sp = t.log().spectra();
        assertEquals(5, sp.size());
        assertArrayEquals(new double[]{10.0, 5.0}, sp.get(4).eigenvalues(), 1e-12, "largest first");
    }

    @Test
    void scheduleAndTheSameIterationGuard() {
        SnapshotOptions o = new SnapshotOptions();
        o.everyNIterations(3);
        o.everyNEpochs(2);
        NtkTracker t = tracker(o, null, OutputMode.TRACE);
        t.afterUpdate(3, 0);                 // not started: nothing
        t.epochEnded(1, 3);
        assertTrue(t.log().history().isEmpty());
        ScaledProbe probe = new ScaledProbe(1);
        t.start(probe, 0, 0);
        for (long u = 1; u <= 4; u++) {
            t.afterUpdate(u, 0);
        }
        t.epochEnded(0, 4);                  // epoch 1 of every 2: no
        t.afterUpdate(5, 1);
        t.afterUpdate(6, 1);
        t.epochEnded(1, 6);                  // epoch 2: due, but iteration 6 was just taken
        t.afterUpdate(7, 2);
        t.epochEnded(3, 7);                  // epoch 4: due
        assertEquals(List.of(0L, 3L, 6L, 7L), iterations(t));
        assertEquals(4, probe.calls, "the guarded snapshot did not compute a kernel");
        assertEquals(List.of(0, 0, 1, 3), t.log().history().stream().map(NtkSnapshot::epoch).toList());

        NtkTracker byDefault = tracker(new SnapshotOptions(), null, OutputMode.TRACE);
        byDefault.start(new ScaledProbe(1), 0, 0);
        for (long u = 1; u <= 250; u++) {
            byDefault.afterUpdate(u, 0);
        }
        byDefault.epochEnded(0, 250);
        assertEquals(List.of(0L, 100L, 200L), iterations(byDefault), "every 100 iterations, no epoch snapshots");
    }

    @Test
    void fullLabelsMustHaveOneColumnPerOutputAndAFailedStartCanBeRetried() {
        INDArray labels = SnapshotOptions.finiteLabels(Nd4j.zeros(DataType.DOUBLE, 2, 3));
        NtkTracker t = tracker(new SnapshotOptions(), labels, OutputMode.FULL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.start(new ScaledProbe(2), 0, 0));
        assertEquals("TestListener: with OutputMode.FULL the probe labels must be [n, o] = [2, 2] (one column per"
                + " output) (got: [2, 3])", e.getMessage());
        assertFalse(t.started());
        assertTrue(t.log().history().isEmpty());
        // TRACE kernels take labels of any width
        NtkTracker trace = tracker(new SnapshotOptions(), labels, OutputMode.TRACE);
        trace.start(new ScaledProbe(2), 0, 0);
        assertTrue(trace.hasLabels());

        // a sink that fails: named, and the tracker is not started
        SnapshotOptions o = new SnapshotOptions();
        List<Long> seen = new ArrayList<>();
        boolean[] fail = {true};
        o.sink((s, k) -> {
            if (fail[0]) {
                throw new IOException("disk full");
            }
            seen.add(s.iteration());
        });
        NtkTracker failing = tracker(o, null, OutputMode.TRACE);
        UncheckedIOException u = assertThrows(UncheckedIOException.class, () -> failing.start(new ScaledProbe(1), 5, 0));
        assertEquals("TestListener sink failed at iteration 5: disk full", u.getMessage());
        assertFalse(failing.started());
        fail[0] = false;
        failing.start(new ScaledProbe(1), 6, 0);
        assertTrue(failing.started());
        assertEquals(List.of(6L), seen);
    }

    @Test
    void keepsABoundedNumberOfSpectraWithTheFirstAndTheLatest() {
        SnapshotOptions o = new SnapshotOptions();
        o.everyNIterations(1);
        NtkTracker t = tracker(o, null, OutputMode.TRACE);
        t.start(new ScaledProbe(1), 0, 0);
        for (long u = 1; u <= 200; u++) {
            t.afterUpdate(u, 0);
        }
        List<NtkSpectrum> sp = t.log().spectra();
        assertEquals(201, t.log().history().size());
        assertTrue(sp.size() <= SnapshotLog.MAX_KEPT_SPECTRA && sp.size() >= SnapshotLog.MAX_KEPT_SPECTRA / 2,
                "kept " + sp.size());
        assertEquals(0L, sp.get(0).iteration());
        assertEquals(200L, sp.get(sp.size() - 1).iteration());
        for (int i = 1; i < sp.size(); i++) {
            assertTrue(sp.get(i).iteration() > sp.get(i - 1).iteration());
        }
        assertThrows(UnsupportedOperationException.class, () -> sp.clear());
    }

    @Test
    void aSpectrumIsACopy() {
        double[] ev = {3, 1};
        NtkSpectrum s = new NtkSpectrum(4, ev);
        ev[0] = 99;
        assertEquals(3, s.eigenvalues()[0]);
        s.eigenvalues()[0] = 77;
        assertEquals(3, s.eigenvalues()[0]);
        assertEquals(new NtkSpectrum(4, new double[]{3, 1}), s);
        assertEquals(new NtkSpectrum(4, new double[]{3, 1}).hashCode(), s.hashCode());
        assertEquals(2, s.size());
        assertThrows(IllegalArgumentException.class, () -> new NtkSpectrum(-1, ev));
        assertThrows(IllegalArgumentException.class, () -> new NtkSpectrum(0, new double[0]));
    }
}
