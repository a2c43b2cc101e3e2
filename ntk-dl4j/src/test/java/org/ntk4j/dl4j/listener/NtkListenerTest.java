package org.ntk4j.dl4j.listener;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the listener records and when: the first snapshot is the kernel at the initial parameters (checked against
 * the engine on an untouched copy of the network), every metric against a computation made here from kernels and
 * parameters, iteration/epoch numbering through the different fit methods, both network kinds, validation.
 */
class NtkListenerTest extends NtkTestBase {

    private static List<Long> iterations(NtkListener l) {
        return l.history().stream().map(NtkSnapshot::iteration).toList();
    }

    private static List<Integer> epochs(NtkListener l) {
        return l.history().stream().map(NtkSnapshot::epoch).toList();
    }

    /** ‖a − b‖_F / ‖b‖_F with ND4J reductions (independent of KernelMetrics). */
    private static double rel(INDArray a, INDArray b) {
        INDArray ad = a.castTo(DataType.DOUBLE), bd = b.castTo(DataType.DOUBLE);
        return ad.sub(bd).norm2Number().doubleValue() / bd.norm2Number().doubleValue();
    }

    private static double traceOf(INDArray m) {
        double s = 0;
        for (int i = 0; i < m.size(0); i++) {
            s += m.getDouble(i, i);
        }
        return s;
    }

    private static double lambdaMax(INDArray symmetric) {
        INDArray d = symmetric.castTo(DataType.DOUBLE).dup();
        return Eigen.symmetricGeneralizedEigenvalues(d, false).maxNumber().doubleValue();
    }

    private static double alignmentByDefinition(INDArray k, INDArray y) {
        int n = (int) k.size(0);
        INDArray h = Nd4j.eye(n).castTo(DataType.DOUBLE).subi(1.0 / n);
        INDArray kd = k.castTo(DataType.DOUBLE), yd = y.castTo(DataType.DOUBLE);
        INDArray kc = h.mmul(kd).mmul(h), lc = h.mmul(yd.mmul(yd.transpose())).mmul(h);
        return kc.mul(lc).sumNumber().doubleValue() / (kc.norm2Number().doubleValue() * lc.norm2Number().doubleValue());
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void firstSnapshotIsTheInitialKernelAndEveryMetricMatches(DataType t) {
        MultiLayerNetwork net = ListenerNets.mlp(t, 1, false);
        MultiLayerNetwork initial = net.clone();
        DataSet train = ListenerNets.data(t, 2, 24);
        DataSet probe = ListenerNets.data(t, 3, 10);
        NtkListener l = NtkListener.builder(probe.getFeatures()).probeLabels(probe.getLabels()).everyNIterations(10).build();
        net.addListeners(l);
        for (int i = 0; i < 30; i++) {
            net.fit(train);
        }
        assertEquals(List.of(0L, 10L, 20L, 30L), iterations(l));
        assertEquals(List.of(0, 0, 0, 0), epochs(l));
        List<NtkSnapshot> h = l.history();
        EmpiricalNtk engine = EmpiricalNtk.builder().build();
        INDArray k0 = engine.compute(initial, probe.getFeatures());
        INDArray kT = engine.compute(net, probe.getFeatures());
        double e = tol(t).exact();
        NtkAssertions.assertClose(k0, l.initialKernel(), e, "Θ0 is the kernel at the initial parameters");
        NtkAssertions.assertClose(kT, l.latestKernel(), e, "latest kernel is the kernel at the final parameters");

        NtkSnapshot first = h.get(0), last = h.get(3);
        assertEquals(0.0, first.drift(), 0.0);
        assertTrue(Double.isNaN(first.changeSincePrevious()));
        assertEquals(0.0, first.parameterChange(), 0.0);
        double drift = rel(kT, k0);
        assertEquals(drift, last.drift(), 10 * e * drift + 1e-6);
        assertTrue(h.get(1).drift() > 0 && h.get(1).drift() < h.get(2).drift() && h.get(2).drift() < last.drift(),
                "drift grows: " + h);
        double dtheta = rel(net.params(), initial.params());
        assertEquals(dtheta, last.parameterChange(), 10 * e * dtheta);

        double trace = traceOf(kT);
        assertEquals(trace, last.trace(), 10 * e * trace);
        double lmax = lambdaMax(kT);
        assertEquals(lmax, last.lambdaMax(), 10 * e * lmax);
        // TRACE kernel: stable rate n·o/λmax(Θ̄)
        assertEquals(10.0 * ListenerNets.OUT / lmax, last.maxStableLearningRate(), 10 * e * 20 / lmax);
        double align = alignmentByDefinition(kT, probe.getLabels());
        assertEquals(align, last.alignment(), 10 * e);
        assertTrue(last.effectiveRank() >= 1 && last.effectiveRank() <= 10, "effective rank " + last.effectiveRank());
        assertTrue(last.conditionNumber() >= 1);
        for (NtkSnapshot s : h) {
            assertTrue(s.seconds() > 0, "cost is measured");
        }
        for (int i = 1; i < h.size(); i++) {
            assertFalse(h.get(i).time().isBefore(h.get(i - 1).time()));
            assertTrue(h.get(i).changeSincePrevious() > 0);
        }
    }

    @Test
    void iterationsAndEpochsThroughFitIterator() {
        // 4 minibatches per epoch, 3 epochs: 12 updates
        Function<NtkListener.Builder, NtkListener> run = b -> {
            MultiLayerNetwork net = ListenerNets.mlp(DataType.DOUBLE, 4, false);
            NtkListener l = b.build();
            net.addListeners(l);
            net.fit(ListenerNets.iterator(DataType.DOUBLE, 5, 4, 6), 3);
            assertEquals(12, net.getIterationCount());
            return l;
        };
        INDArray probe = ListenerNets.gaussian(DataType.DOUBLE, 6, 5, 3);

        NtkListener it = run.apply(NtkListener.builder(probe).everyNIterations(2));
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L, 10L, 12L), iterations(it));
        assertEquals(List.of(0, 0, 0, 1, 1, 2, 2), epochs(it));

        NtkListener ep = run.apply(NtkListener.builder(probe).everyNEpochs(1));
        assertEquals(List.of(0L, 4L, 8L, 12L), iterations(ep));
        assertEquals(List.of(0, 0, 1, 2), epochs(ep));

        NtkListener both = run.apply(NtkListener.builder(probe).everyNIterations(4).everyNEpochs(1));
        assertEquals(List.of(0L, 4L, 8L, 12L), iterations(both), "no duplicate snapshot of the same parameters");

        NtkListener two = run.apply(NtkListener.builder(probe).everyNEpochs(2));
        assertEquals(List.of(0L, 8L), iterations(two));

        NtkListener dflt = run.apply(NtkListener.builder(probe));
        assertEquals(List.of(0L), iterations(dflt), "default: every 100 iterations");
    }

    @Test
    void attachedToATrainedNetworkStartsWhenAttached() {
        MultiLayerNetwork net = ListenerNets.mlp(DataType.DOUBLE, 7, false);
        DataSet train = ListenerNets.data(DataType.DOUBLE, 8, 16);
        for (int i = 0; i < 5; i++) {
            net.fit(train);
        }
        MultiLayerNetwork atAttach = net.clone();
        INDArray probe = ListenerNets.gaussian(DataType.DOUBLE, 9, 6, 3);
        NtkListener l = NtkListener.builder(probe).everyNIterations(2).build();
        net.addListeners(l);
        for (int i = 0; i < 4; i++) {
            net.fit(train);
        }
        assertEquals(List.of(5L, 6L, 8L), iterations(l));
        assertEquals(0.0, l.history().get(0).drift(), 0.0);
        NtkAssertions.assertClose(EmpiricalNtk.builder().build().compute(atAttach, probe), l.initialKernel(),
                tol(DataType.DOUBLE).exact(), "Θ0 at attachment");
    }

    @Test
    void initializeTakesTheInitialKernelImmediately() {
        MultiLayerNetwork net = ListenerNets.mlp(DataType.DOUBLE, 10, false);
        INDArray probe = ListenerNets.gaussian(DataType.DOUBLE, 11, 4, 3);
        NtkListener l = NtkListener.builder(probe).everyNIterations(1).build();
        assertNull(l.initialKernel());
        assertTrue(l.latest().isEmpty());
        l.initialize(net);
        l.initialize(net);
        assertEquals(List.of(0L), iterations(l));
        net.addListeners(l);
        net.fit(ListenerNets.data(DataType.DOUBLE, 12, 8));
        assertEquals(List.of(0L, 1L), iterations(l));
    }

    @Test
    void oneListenerTracksOneNetwork() {
        INDArray probe = ListenerNets.gaussian(DataType.DOUBLE, 13, 4, 3);
        NtkListener l = NtkListener.builder(probe).everyNIterations(1).build();
        MultiLayerNetwork a = ListenerNets.mlp(DataType.DOUBLE, 14, false);
        MultiLayerNetwork b = ListenerNets.mlp(DataType.DOUBLE, 15, false);
        a.addListeners(l);
        b.addListeners(l);
        a.fit(ListenerNets.data(DataType.DOUBLE, 16, 8));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> b.fit(ListenerNets.data(DataType.DOUBLE, 16, 8)));
        assertTrue(e.getMessage().contains("one NtkListener per network"), e.getMessage());
    }

    @Test
    void aProbeThatDoesNotFitIsRefusedBeforeTheFirstUpdate() {
        MultiLayerNetwork net = ListenerNets.mlp(DataType.DOUBLE, 17, false);
        INDArray before = net.params().dup();
        NtkListener l = NtkListener.builder(ListenerNets.gaussian(DataType.DOUBLE, 18, 4, 5)).build();
        net.addListeners(l);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.fit(ListenerNets.iterator(DataType.DOUBLE, 19, 2, 4)));
        assertTrue(e.getMessage().contains("[n, 3]") && e.getMessage().contains("[n, 5]"), e.getMessage());
        NtkAssertions.assertBitIdentical(before, net.params(), "no update happened");
        assertTrue(l.history().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void computationGraphs(DataType t) {
        ComputationGraph g = ListenerNets.graph(t, 20);
        ComputationGraph initial = g.clone();
        INDArray probe = ListenerNets.gaussian(t, 21, 6, 3);
        NtkListener l = NtkListener.builder(probe).everyNIterations(3).build();
        g.addListeners(l);
        g.fit(ListenerNets.iterator(t, 22, 3, 5), 2);
        g.fit(ListenerNets.data(t, 23, 5));
        assertEquals(List.of(0L, 3L, 6L), iterations(l));
        NtkAssertions.assertClose(EmpiricalNtk.builder().build().compute(initial, probe), l.initialKernel(),
                tol(t).exact(), "graph Θ0");
        assertTrue(l.latest().orElseThrow().drift() > 0);

        ComputationGraph two = ListenerNets.twoInputs(t, 24);
        ComputationGraph twoInitial = two.clone();
        INDArray[] probe2 = {ListenerNets.gaussian(t, 25, 4, 3), ListenerNets.gaussian(t, 26, 4, 2)};
        NtkListener l2 = NtkListener.builder(probe2).everyNIterations(2).build();
        two.addListeners(l2);
        MultiDataSet mds = new MultiDataSet(new INDArray[]{ListenerNets.gaussian(t, 27, 6, 3),
                ListenerNets.gaussian(t, 28, 6, 2)}, new INDArray[]{ListenerNets.gaussian(t, 29, 6, 2)});
        for (int i = 0; i < 4; i++) {
            two.fit(mds);
        }
        assertEquals(List.of(0L, 2L, 4L), iterations(l2));
        NtkAssertions.assertClose(EmpiricalNtk.builder().build().compute(twoInitial, probe2, null), l2.initialKernel(),
                tol(t).exact(), "two-input graph Θ0");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void fullModeGivesTheExactStableRate(DataType t) {
        MultiLayerNetwork net = ListenerNets.mlp(t, 30, false);
        DataSet probe = ListenerNets.data(t, 31, 7);
        NtkListener l = NtkListener.builder(probe).outputMode(OutputMode.FULL)
                .implementation(NtkImplementation.JACOBIAN).everyNIterations(2).build();
        net.addListeners(l);
        DataSet train = ListenerNets.data(t, 32, 12);
        for (int i = 0; i < 2; i++) {
            net.fit(train);
        }
        INDArray full = l.latestKernel();
        assertEquals(4, full.rank());
        INDArray flat = KernelLayout.flatten(full);
        NtkSnapshot s = l.latest().orElseThrow();
        double lmax = lambdaMax(flat);
        double e = tol(t).exact();
        assertEquals(7.0 * ListenerNets.OUT / lmax, s.maxStableLearningRate(), 10 * e * 14 / lmax);
        double trace = traceOf(flat);
        assertEquals(trace, s.trace(), 10 * e * trace);
        assertTrue(s.hasAlignment());

        // FULL needs one label column per output
        MultiLayerNetwork other = ListenerNets.mlp(t, 33, false);
        NtkListener bad = NtkListener.builder(probe.getFeatures()).probeLabels(ListenerNets.gaussian(t, 34, 7, 3))
                .outputMode(OutputMode.FULL).build();
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> bad.initialize(other));
        assertTrue(ex.getMessage().contains("[7, 3]") && ex.getMessage().contains("[7, 2]"), ex.getMessage());
    }

    @Test
    void historyCanBeReadWhileTraining() throws Exception {
        MultiLayerNetwork net = ListenerNets.mlp(DataType.DOUBLE, 35, false);
        NtkListener l = NtkListener.builder(ListenerNets.gaussian(DataType.DOUBLE, 36, 8, 3)).everyNIterations(1).build();
        net.addListeners(l);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Integer> sizes = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                int prev = 0;
                while (!done.get()) {
                    List<NtkSnapshot> h = l.history();
                    if (h.size() < prev) {
                        throw new AssertionError("history shrank");
                    }
                    for (int i = 0; i < h.size(); i++) {
                        if (h.get(i).iteration() != i) {
                            throw new AssertionError("out of order at " + i + ": " + h.get(i));
                        }
                    }
                    l.latest();
                    prev = h.size();
                    sizes.add(prev);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        reader.start();
        DataSet train = ListenerNets.data(DataType.DOUBLE, 37, 8);
        for (int i = 0; i < 40; i++) {
            net.fit(train);
        }
        done.set(true);
        reader.join(10_000);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(41, l.history().size());
        assertFalse(sizes.isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> l.history().clear());
    }

    @Test
    void theReportKeepsABoundedNumberOfSpectra() {
        MultiLayerNetwork net = ListenerNets.mlp(DataType.FLOAT, 40, false);
        NtkListener l = NtkListener.builder(ListenerNets.gaussian(DataType.FLOAT, 41, 4, 3)).everyNIterations(1).build();
        net.addListeners(l);
        DataSet train = ListenerNets.data(DataType.FLOAT, 42, 4);
        for (int i = 0; i < 80; i++) {
            net.fit(train);
        }
        List<NtkSpectrum> sp = l.spectra();
        assertEquals(81, l.history().size());
        assertTrue(sp.size() <= 64 && sp.size() >= 32, "kept " + sp.size());
        assertEquals(0L, sp.get(0).iteration());
        assertEquals(80L, sp.get(sp.size() - 1).iteration());
        for (int i = 1; i < sp.size(); i++) {
            assertTrue(sp.get(i).iteration() > sp.get(i - 1).iteration());
        }
        assertEquals(4, sp.get(0).eigenvalues().length);
    }

    @Test
    void builderRejectsBadValuesWithTheValue() {
        INDArray probe = ListenerNets.gaussian(DataType.DOUBLE, 38, 4, 3);
        assertMessage(() -> NtkListener.builder(probe).everyNIterations(0), "(got: 0)");
        assertMessage(() -> NtkListener.builder(probe).everyNEpochs(-2), "(got: -2)");
        assertMessage(() -> NtkListener.builder(probe).blockSize(0), "(got: 0)");
        assertMessage(() -> NtkListener.builder(probe).memoryBudgetBytes(-5), "(got: -5)");
        assertMessage(() -> NtkListener.builder(probe).implementation(null), "(got: null)");
        assertMessage(() -> NtkListener.builder(probe).outputMode(null), "(got: null)");
        assertMessage(() -> NtkListener.builder(probe).sink(null), "(got: null)");
        assertMessage(() -> NtkListener.builder(probe).probeLabels(null), "(got: null)");
        assertMessage(() -> NtkListener.builder(probe).probeLabels(Nd4j.zeros(5, 2)), "[5, 2]");
        assertMessage(() -> NtkListener.builder((INDArray) null), "(got: null)");
        assertMessage(() -> NtkListener.builder(Nd4j.zeros(3)), "[3]");
        assertMessage(() -> NtkListener.builder(new INDArray[0]), "(got: no arrays)");
        assertMessage(() -> NtkListener.builder(new INDArray[]{Nd4j.zeros(3, 2), Nd4j.zeros(4, 2)}), "got 3 and 4");
        INDArray nan = probe.dup();
        nan.putScalar(1, 1, Double.NaN);
        assertMessage(() -> NtkListener.builder(nan), "NaN");
        INDArray nanLabels = Nd4j.zeros(DataType.DOUBLE, 4, 2);
        nanLabels.putScalar(0, 0, Double.POSITIVE_INFINITY);
        assertMessage(() -> NtkListener.builder(probe).probeLabels(nanLabels), "infinite");
        assertMessage(() -> NtkSinks.npy(java.nio.file.Path.of("x"), 0), "(got: 0)");
        assertMessage(() -> NtkSinks.csv(null), "(got: null)");
        // the caller's arrays are copied
        INDArray p = probe.dup();
        NtkListener l = NtkListener.builder(p).build();
        p.assign(7);
        MultiLayerNetwork net = ListenerNets.mlp(DataType.DOUBLE, 39, false);
        l.initialize(net);
        NtkAssertions.assertClose(EmpiricalNtk.builder().build().compute(net, probe), l.initialKernel(),
                tol(DataType.DOUBLE).exact(), "probe copied at build time");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
