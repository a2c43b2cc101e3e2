package org.ntk4j.dl4j.samediff;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.listener.NtkReport;
import org.ntk4j.dl4j.listener.NtkSinks;
import org.ntk4j.dl4j.listener.NtkSnapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SameDiffNtkListener}: training unchanged, the same {@link NtkSnapshot}s as {@code NtkListener} with every
 * metric checked against a computation made here (on a twin graph trained without the listener), the shared sinks,
 * iteration and epoch numbering, validation.
 */
class SameDiffNtkListenerTest extends NtkTestBase {

    private static DataSet data(DataType type, long seed, int n) {
        INDArray x = randn(type, seed, n, 3);
        INDArray y = Transforms.sin(x.mmul(randn(type, seed + 1, 3, 2)), true);
        return new DataSet(x, y);
    }

    private static void configure(SameDiff sd, IUpdater updater) {
        sd.setTrainingConfig(TrainingConfig.builder().updater(updater)
                .dataSetFeatureMapping("input").dataSetLabelMapping("label").build());
    }

    private static List<Long> iterations(SameDiffNtkListener l) {
        return l.history().stream().map(NtkSnapshot::iteration).toList();
    }

    // ---------------------------------------------------------------- independent reference computations

    /** ‖a − b‖_F / ‖b‖_F with ND4J reductions. */
    private static double rel(INDArray a, INDArray b) {
        INDArray ad = a.castTo(DataType.DOUBLE), bd = b.castTo(DataType.DOUBLE);
        return ad.sub(bd).norm2Number().doubleValue() / bd.norm2Number().doubleValue();
    }

    /** The flat DOUBLE matrix of a TRACE [n, n] or FULL [n, n, o, o] kernel. */
    private static INDArray flat(INDArray k) {
        return (k.rank() == 4 ? KernelLayout.flatten(k) : k).castTo(DataType.DOUBLE).dup();
    }

    private static double traceOf(INDArray m) {
        double s = 0;
        for (int i = 0; i < m.size(0); i++) {
            s += m.getDouble(i, i);
        }
        return s;
    }

    /** Eigenvalues of the symmetric part, by ND4J's Eigen (not KernelMetrics). */
    private static double[] eigenvalues(INDArray m) {
        INDArray sym = m.add(m.transpose()).muli(0.5);
        return Eigen.symmetricGeneralizedEigenvalues(sym, false).toDoubleVector();
    }

    private static double participationRatio(double[] ev) {
        double s = 0, s2 = 0;
        for (double v : ev) {
            double c = Math.max(v, 0);
            s += c;
            s2 += c * c;
        }
        return s * s / s2;
    }

    /**
     * Centred alignment by its definition, with explicit centring matrices: flat kernel {@code K [n·g, n·g]}, target
     * factor {@code Z [n·g, c]} (labels {@code [n, c]} for g = 1; {@code vec(Y)} for FULL), {@code C = H ⊗ I_g}.
     */
    private static double alignmentByDefinition(INDArray k, INDArray z, int n, int g) {
        int size = n * g;
        INDArray c = Nd4j.create(DataType.DOUBLE, size, size);
        for (int a = 0; a < size; a++) {
            for (int b = 0; b < size; b++) {
                if (a % g == b % g) {
                    c.putScalar(a, b, (a == b ? 1.0 : 0.0) - 1.0 / n);
                }
            }
        }
        INDArray kc = c.mmul(k).mmul(c);
        INDArray zd = z.castTo(DataType.DOUBLE);
        INDArray lc = c.mmul(zd.mmul(zd.transpose())).mmul(c);
        return kc.mul(lc).sumNumber().doubleValue() / (kc.norm2Number().doubleValue() * lc.norm2Number().doubleValue());
    }

    /** All floating point trainable variables of sd, flattened and concatenated, in DOUBLE. */
    private static INDArray params(SameDiff sd) {
        List<INDArray> parts = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                parts.add(v.getArr().castTo(DataType.DOUBLE).reshape(1, v.getArr().length()));
            }
        }
        return Nd4j.hstack(parts.toArray(new INDArray[0]));
    }

    // ---------------------------------------------------------------- tests

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void trainingIsBitIdenticalWithAndWithoutListener(DataType type, @TempDir Path dir) {
        DataSet ds = data(type, 101, 12);
        SameDiff with = SameDiffGraphs.mlp(type, 111, SameDiffGraphs.Bias.BIAS_ADD, 3, 8, 2);
        SameDiff without = SameDiffGraphs.mlp(type, 111, SameDiffGraphs.Bias.BIAS_ADD, 3, 8, 2);
        configure(with, new Adam(0.02));
        configure(without, new Adam(0.02));
        SameDiffNtkListener listener = SameDiffNtkListener.builder(SameDiffNtk.of(with, "input", "output"),
                        ds.getFeatures().getRows(0, 1, 2, 3, 4))
                .probeLabels(ds.getLabels().getRows(0, 1, 2, 3, 4))
                .everyNIterations(1).everyNEpochs(1)
                .sink(NtkSinks.csv(dir.resolve("ntk.csv")))
                .build();
        with.setListeners(listener);
        for (int i = 0; i < 3; i++) {
            with.fit(ds);
            without.fit(ds);
        }
        with.fit(new ListDataSetIterator<>(ds.asList(), 4), 2);      // 3 minibatches, 2 epochs
        without.fit(new ListDataSetIterator<>(ds.asList(), 4), 2);
        listener.close();
        assertEquals(10, listener.history().size(), "snapshots at 0..9 updates");
        SameDiffNtkPropertiesTest.paramCopies(without)
                .forEach((n, a) -> NtkAssertions.assertBitIdentical(a, with.getVariable(n).getArr(), n));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void everyMetricMatchesAnIndependentComputation(DataType type) {
        DataSet ds = data(type, 201, 16);
        SameDiff sd = SameDiffGraphs.mlp(type, 121, SameDiffGraphs.Bias.BIAS_ADD, 3, 6, 2);
        SameDiff twin = SameDiffGraphs.mlp(type, 121, SameDiffGraphs.Bias.BIAS_ADD, 3, 6, 2);
        configure(sd, new Sgd(0.2));
        configure(twin, new Sgd(0.2));
        INDArray probe = ds.getFeatures().getRows(0, 1, 2, 3, 4, 5);
        INDArray probeY = ds.getLabels().getRows(0, 1, 2, 3, 4, 5);
        List<INDArray> sunk = new ArrayList<>();
        SameDiffNtkListener listener = SameDiffNtkListener.builder(SameDiffNtk.of(sd, "input", "output"), probe)
                .everyNIterations(10).probeLabels(probeY).sink((s, k) -> sunk.add(k.dup())).build();
        assertNull(listener.initialKernel());
        sd.setListeners(listener);

        // the reference: kernels and parameters of the twin, trained identically without a listener
        SameDiffNtk twinNtk = SameDiffNtk.of(twin, "input", "output");
        List<INDArray> kernels = new ArrayList<>();
        List<INDArray> thetas = new ArrayList<>();
        kernels.add(twinNtk.compute(probe));
        thetas.add(params(twin));
        for (int i = 1; i <= 30; i++) {
            sd.fit(ds);
            twin.fit(ds);
            if (i % 10 == 0) {
                kernels.add(twinNtk.compute(probe));
                thetas.add(params(twin));
            }
        }
        List<NtkSnapshot> h = listener.history();
        assertEquals(List.of(0L, 10L, 20L, 30L), iterations(listener));
        assertEquals(4, sunk.size(), "the sink saw every snapshot");
        double e = tol(type).exact();
        NtkAssertions.assertClose(kernels.get(0), listener.initialKernel(), e, "Θ0");
        NtkAssertions.assertClose(kernels.get(3), listener.latestKernel(), e, "latest kernel");

        assertEquals(0.0, h.get(0).drift(), 0.0);
        assertEquals(0.0, h.get(0).parameterChange(), 0.0);
        assertTrue(Double.isNaN(h.get(0).changeSincePrevious()));
        assertTrue(h.get(1).drift() > 0 && h.get(1).drift() < h.get(2).drift() && h.get(2).drift() < h.get(3).drift(),
                "drift grows: " + h);
        for (int t = 0; t < 4; t++) {
            NtkSnapshot s = h.get(t);
            INDArray k = kernels.get(t);
            NtkAssertions.assertClose(k, sunk.get(t), e, "kernel given to the sink at snapshot " + t);
            INDArray m = flat(k);
            double[] ev = eigenvalues(m);
            double lmax = Arrays.stream(ev).max().orElseThrow(), lmin = Arrays.stream(ev).min().orElseThrow();
            String at = " at iteration " + s.iteration();
            assertEquals(0, s.epoch());
            assertEquals(rel(k, kernels.get(0)), s.drift(), 10 * e * s.drift() + 1e-12, "drift" + at);
            if (t > 0) {
                double change = rel(k, kernels.get(t - 1));
                assertEquals(change, s.changeSincePrevious(), 10 * e * change, "change" + at);
            }
            double trace = traceOf(m);
            assertEquals(trace, s.trace(), 10 * e * trace, "trace" + at);
            assertEquals(lmax, s.lambdaMax(), 10 * e * lmax, "λmax" + at);
            assertEquals(lmin, s.lambdaMin(), 10 * e * lmax, "λmin" + at);
            assertEquals(lmin > 0 ? lmax / lmin : Double.POSITIVE_INFINITY, s.conditionNumber(),
                    lmin > 0 ? 1e-6 * lmax / lmin : 0, "condition number" + at);
            assertEquals(participationRatio(ev), s.effectiveRank(), 1e-6, "effective rank" + at);
            assertEquals(alignmentByDefinition(m, probeY, 6, 1), s.alignment(), 10 * e, "alignment" + at);
            double dtheta = rel(thetas.get(t), thetas.get(0)); // ‖θt − θ0‖ / ‖θ0‖
            assertEquals(dtheta, s.parameterChange(), 10 * e * dtheta + 1e-15, "parameter change" + at);
            // TRACE kernel: n·o/λmax(Θ̄), n = 6 probe examples, o = 2 outputs
            assertEquals(12.0 / lmax, s.maxStableLearningRate(), 10 * e * 12.0 / lmax, "max stable lr" + at);
            assertTrue(s.seconds() > 0, "cost is measured");
            if (t > 0) {
                assertFalse(s.time().isBefore(h.get(t - 1).time()));
            }
        }
    }

    @Test
    void fullModeGivesFullKernelsAndTheExactMetrics() {
        DataSet ds = data(DataType.DOUBLE, 301, 8);
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 131, SameDiffGraphs.Bias.BIAS_ADD, 3, 5, 2);
        SameDiffNtk full = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
        INDArray probe = ds.getFeatures().getRows(0, 1, 2, 3);
        INDArray probeY = ds.getLabels().getRows(0, 1, 2, 3);
        List<long[]> shapes = new ArrayList<>();
        SameDiffNtkListener l = SameDiffNtkListener.builder(full, probe).probeLabels(probeY).everyNIterations(1)
                .sink((s, k) -> shapes.add(k.shape())).build();
        assertEquals(OutputMode.FULL, l.outputMode());
        assertTrue(l.hasLabels());
        configure(sd, new Sgd(0.1));
        sd.setListeners(l);
        sd.fit(ds);
        assertEquals(List.of(0L, 1L), iterations(l));
        assertTrue(shapes.stream().allMatch(s -> Arrays.equals(s, new long[]{4, 4, 2, 2})));

        INDArray k = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build().compute(probe);
        NtkAssertions.assertClose(k, l.latestKernel(), 1e-12, "latest FULL kernel");
        INDArray m = flat(k);
        double[] ev = eigenvalues(m);
        double lmax = Arrays.stream(ev).max().orElseThrow();
        NtkSnapshot s = l.latest().orElseThrow();
        assertEquals(traceOf(m), s.trace(), 1e-10 * traceOf(m));
        assertEquals(lmax, s.lambdaMax(), 1e-10 * lmax);
        assertEquals(8.0 / lmax, s.maxStableLearningRate(), 1e-10 / lmax, "exact n·o/λmax of the flat kernel");
        assertEquals(alignmentByDefinition(m, probeY.dup('c').reshape(8, 1), 4, 2), s.alignment(), 1e-10);
        assertTrue(s.effectiveRank() >= 1 && s.effectiveRank() <= 8);
    }

    /**
     * The stable rate against real SameDiff training: for a linear graph {@code x·W + b} the linearised dynamics are
     * exact, so full-batch {@code Sgd} on the probe with {@code sd.loss.meanSquaredError} converges at 0.9× the rate
     * and diverges at 1.1×.
     */
    @Test
    void maxStableLearningRateHoldsForSameDiffMseTraining() {
        DataSet ds = data(DataType.DOUBLE, 601, 8);
        SameDiff probeGraph = SameDiffGraphs.mlp(DataType.DOUBLE, 181, SameDiffGraphs.Bias.BIAS_ADD, 3, 2);
        SameDiffNtkListener l = SameDiffNtkListener.builder(SameDiffNtk.builder(probeGraph, "input", "output")
                .outputMode(OutputMode.FULL).build(), ds.getFeatures()).build();
        l.initialize(probeGraph);
        double rate = l.latest().orElseThrow().maxStableLearningRate();
        assertTrue(rate > 0 && Double.isFinite(rate), "rate " + rate);
        double[] before = new double[2], after = new double[2];
        double[] factors = {0.9, 1.1};
        for (int f = 0; f < 2; f++) {
            SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 181, SameDiffGraphs.Bias.BIAS_ADD, 3, 2);
            configure(sd, new Sgd(factors[f] * rate));
            java.util.Map<String, INDArray> feed = java.util.Map.of("input", ds.getFeatures(), "label", ds.getLabels());
            before[f] = sd.output(feed, "loss").get("loss").getDouble(0);
            for (int i = 0; i < 60; i++) {
                sd.fit(ds);
            }
            after[f] = sd.output(feed, "loss").get("loss").getDouble(0);
        }
        System.err.printf("max stable lr %.6g: loss at 0.9x %.4g -> %.4g, at 1.1x %.4g -> %.4g (60 steps)%n",
                rate, before[0], after[0], before[1], after[1]);
        assertTrue(after[0] < 0.5 * before[0], "0.9x the rate converges: " + before[0] + " -> " + after[0]);
        assertTrue(after[1] > 100 * before[1], "1.1x the rate diverges: " + before[1] + " -> " + after[1]);
    }

    @Test
    void sharedSinksWriteFilesThatReadBackToTheHistory(@TempDir Path dir) throws Exception {
        DataSet ds = data(DataType.DOUBLE, 401, 10);
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 141, SameDiffGraphs.Bias.BIAS_ADD, 3, 6, 2);
        configure(sd, new Sgd(0.1));
        INDArray probe = ds.getFeatures().getRows(0, 1, 2, 3, 4);
        List<INDArray> kernels = new ArrayList<>();
        SameDiffNtkListener l = SameDiffNtkListener.builder(SameDiffNtk.of(sd, "input", "output"), probe)
                .probeLabels(ds.getLabels().getRows(0, 1, 2, 3, 4))
                .everyNIterations(2)
                .sink(NtkSinks.csv(dir.resolve("out/ntk.csv")))
                .sink(NtkSinks.jsonLines(dir.resolve("out/ntk.jsonl")))
                .sink(NtkSinks.npy(dir.resolve("kernels"), 2))
                .sink(NtkSinks.log())
                .sink((s, k) -> kernels.add(k.dup()))
                .build();
        sd.setListeners(l);
        for (int i = 0; i < 6; i++) {
            sd.fit(ds);
        }
        l.close();
        List<NtkSnapshot> h = l.history();
        assertEquals(List.of(0L, 2L, 4L, 6L), iterations(l));
        assertEquals(h, NtkSinks.readCsv(dir.resolve("out/ntk.csv")));
        assertEquals(h, NtkSinks.readJsonLines(dir.resolve("out/ntk.jsonl")));
        List<Path> npy;
        try (Stream<Path> files = Files.list(dir.resolve("kernels"))) {
            npy = files.sorted().toList();
        }
        assertEquals(List.of("ntk-iteration-00000000.npy", "ntk-iteration-00000004.npy"),
                npy.stream().map(p -> p.getFileName().toString()).toList());
        NtkAssertions.assertBitIdentical(kernels.get(0), Nd4j.createFromNpyFile(npy.get(0).toFile()), "first kernel");
        NtkAssertions.assertBitIdentical(kernels.get(2), Nd4j.createFromNpyFile(npy.get(1).toFile()), "third kernel");

        // the history-only report of NtkReport works on SameDiff histories too (no spectrum.png: a history alone
        // has no eigenvalues)
        NtkReport report = NtkReport.write(h, dir.resolve("report"));
        assertEquals(List.of("drift.png", "eigenvalues.png", "alignment.png", "snapshots.csv"),
                report.files().stream().map(p -> p.getFileName().toString()).toList());
        for (Path p : report.files()) {
            assertTrue(Files.size(p) > 0, p.toString());
        }
        assertEquals(h, NtkSinks.readCsv(dir.resolve("report/snapshots.csv")));

        // the listener's own report, as NtkListener's: with the spectra it kept
        NtkReport own = l.writeReport(dir.resolve("own"));
        assertEquals(List.of("drift.png", "spectrum.png", "eigenvalues.png", "alignment.png", "snapshots.csv"),
                own.files().stream().map(p -> p.getFileName().toString()).toList());
        for (Path p : own.files()) {
            if (p.toString().endsWith(".png")) {
                assertNotNull(javax.imageio.ImageIO.read(p.toFile()), p + " is a readable PNG");
            }
        }
        assertEquals(h, NtkSinks.readCsv(dir.resolve("own/snapshots.csv")));
        List<org.ntk4j.dl4j.listener.NtkSpectrum> spectra = l.spectra();
        assertEquals(List.of(0L, 2L, 4L, 6L), spectra.stream().map(org.ntk4j.dl4j.listener.NtkSpectrum::iteration).toList());
        // the latest spectrum against LAPACK's eigenvalues of the latest kernel (an independent decomposition)
        INDArray last = kernels.get(3).dup();
        double[] ref = org.nd4j.linalg.eigen.Eigen.symmetricGeneralizedEigenvalues(last, false).toDoubleVector();
        java.util.Arrays.sort(ref);
        double[] got = spectra.get(3).eigenvalues();
        assertEquals(ref.length, got.length);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[ref.length - 1 - i], got[i], 1e-9 * Math.abs(ref[ref.length - 1]), "eigenvalue " + i);
        }
    }

    @Test
    void iterationsAndEpochsThroughFitIteratorAndHistoryReadableWhileTraining() throws Exception {
        DataSet ds = data(DataType.DOUBLE, 501, 16);
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 151, SameDiffGraphs.Bias.BIAS_ADD, 3, 6, 2);
        configure(sd, new Sgd(0.1));
        SameDiffNtkListener l = SameDiffNtkListener.builder(SameDiffNtk.of(sd, "input", "output"),
                ds.getFeatures().getRows(0, 1, 2, 3)).everyNIterations(5).everyNEpochs(1).build();
        sd.setListeners(l);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                int last = 0;
                while (!done.get()) {
                    List<NtkSnapshot> h = l.history();
                    assertTrue(h.size() >= last, "history only grows");
                    last = h.size();
                    l.latest();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        try {
            sd.fit(new ListDataSetIterator<>(ds.asList(), 4), 3);   // 4 minibatches per epoch, 12 updates
        } finally {
            done.set(true);
            reader.join();
        }
        assertNull(failure.get(), () -> "reader thread: " + failure.get());
        // epoch ends after 4, 8, 12 updates; every 5: 5, 10; 12 is not taken twice
        assertEquals(List.of(0L, 4L, 5L, 8L, 10L, 12L), iterations(l));
        assertEquals(List.of(0, 0, 1, 1, 2, 2), l.history().stream().map(NtkSnapshot::epoch).toList());
        assertThrows(UnsupportedOperationException.class, () -> l.history().clear());
    }

    @Test
    void initializeTakesTheInitialKernelImmediatelyAndAnotherGraphIsRefused() {
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 161, SameDiffGraphs.Bias.BIAS_ADD, 3, 5, 2);
        SameDiff other = SameDiffGraphs.mlp(DataType.DOUBLE, 162, SameDiffGraphs.Bias.BIAS_ADD, 3, 5, 2);
        configure(sd, new Sgd(0.1));
        configure(other, new Sgd(0.1));
        INDArray probe = randn(DataType.DOUBLE, 163, 4, 3);
        SameDiffNtkListener l = SameDiffNtkListener.builder(SameDiffNtk.of(sd, "input", "output"), probe).build();
        l.initialize(sd);
        assertEquals(List.of(0L), iterations(l));
        NtkAssertions.assertClose(SameDiffNtk.of(sd, "input", "output").compute(probe), l.initialKernel(), 1e-12, "Θ0");
        l.initialize(sd);
        assertEquals(1, l.history().size(), "initialize twice takes one snapshot");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> l.initialize(other));
        assertTrue(e.getMessage().contains("one SameDiffNtk and one listener per graph"), e.getMessage());
        other.setListeners(l);
        assertThrows(IllegalStateException.class, () -> other.fit(data(DataType.DOUBLE, 164, 4)));
    }

    @Test
    void builderRejectsBadValuesWithTheValue() {
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 171, SameDiffGraphs.Bias.BIAS_ADD, 3, 5, 2);
        SameDiffNtk trace = SameDiffNtk.of(sd, "input", "output");
        SameDiffNtk full = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
        INDArray probe = randn(DataType.DOUBLE, 172, 4, 3);
        assertMessage(() -> SameDiffNtkListener.builder(null, probe), "ntk must not be null (got: null)");
        assertMessage(() -> SameDiffNtkListener.builder(trace, null), "probeFeatures must not be null (got: null)");
        assertMessage(() -> SameDiffNtkListener.builder(trace, Nd4j.create(DataType.DOUBLE, 4)), "(got: shape [4])");
        assertMessage(() -> SameDiffNtkListener.builder(trace, randn(DataType.DOUBLE, 173, 4, 5)),
                "the probe does not fit the graph");
        INDArray nan = probe.dup();
        nan.putScalar(1, 2, Double.NaN);
        assertMessage(() -> SameDiffNtkListener.builder(trace, nan), "NaN");
        SameDiffNtkListener.Builder b = SameDiffNtkListener.builder(trace, probe);
        assertMessage(() -> b.everyNIterations(0), "everyNIterations must be >= 1 (got: 0)");
        assertMessage(() -> b.everyNEpochs(-2), "everyNEpochs must be >= 1 (got: -2)");
        assertMessage(() -> b.sink(null), "sink must not be null (got: null)");
        assertMessage(() -> b.probeLabels(null), "probeLabels must not be null (got: null)");
        assertMessage(() -> b.probeLabels(randn(DataType.DOUBLE, 174, 3, 2)), "expected [4] or [4, c]");
        assertMessage(() -> b.probeLabels(randn(DataType.DOUBLE, 174, 3, 2)), "(got: [3, 2])");
        assertMessage(() -> SameDiffNtkListener.builder(full, probe).probeLabels(randn(DataType.DOUBLE, 175, 4)),
                "with OutputMode.FULL expected [4, 2]");
        // TRACE accepts [n] and [n, c] with any c
        SameDiffNtkListener.builder(trace, probe).probeLabels(randn(DataType.DOUBLE, 176, 4)).build();
        SameDiffNtkListener.builder(trace, probe).probeLabels(randn(DataType.DOUBLE, 177, 4, 5)).build();
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}
