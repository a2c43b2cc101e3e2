package org.ntk4j.dl4j.samediff;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.OutputMode;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SameDiffNtkListener}: training unchanged, drift grows, metrics match direct computations. */
class SameDiffNtkListenerTest extends NtkTestBase {

    private static DataSet data(DataType type, int n) {
        INDArray x = randn(type, 101, n, 3);
        INDArray y = Transforms.sin(x.mmul(randn(type, 102, 3, 2)), true);
        return new DataSet(x, y);
    }

    private static void configure(SameDiff sd, org.nd4j.linalg.learning.config.IUpdater updater) {
        sd.setTrainingConfig(TrainingConfig.builder().updater(updater)
                .dataSetFeatureMapping("input").dataSetLabelMapping("label").build());
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void trainingIsBitIdenticalWithAndWithoutListener(DataType type) {
        DataSet ds = data(type, 12);
        SameDiff with = SameDiffGraphs.mlp(type, 111, SameDiffGraphs.Bias.BIAS_ADD, 3, 8, 2);
        SameDiff without = SameDiffGraphs.mlp(type, 111, SameDiffGraphs.Bias.BIAS_ADD, 3, 8, 2);
        configure(with, new Adam(0.02));
        configure(without, new Adam(0.02));
        SameDiffNtkListener listener = SameDiffNtkListener.builder(SameDiffNtk.of(with, "input", "output"),
                ds.getFeatures().getRows(0, 1, 2, 3, 4)).everyNIterations(2).build();
        with.setListeners(listener);
        for (int i = 0; i < 6; i++) {
            with.fit(ds);
            without.fit(ds);
        }
        assertEquals(4, listener.history().size(), "snapshots at 0, 2, 4, 6 updates");
        SameDiffNtkPropertiesTest.paramCopies(without)
                .forEach((n, a) -> NtkAssertions.assertBitIdentical(a, with.getVariable(n).getArr(), n));
    }

    @Test
    void driftGrowsAndMetricsMatchTheKernels() {
        DataSet ds = data(DataType.DOUBLE, 16);
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 121, SameDiffGraphs.Bias.BIAS_ADD, 3, 6, 2);
        configure(sd, new Sgd(0.2));
        INDArray probe = ds.getFeatures().getRows(0, 1, 2, 3, 4, 5);
        INDArray probeY = ds.getLabels().getRows(0, 1, 2, 3, 4, 5);
        List<SameDiffNtkSnapshot> sunk = new ArrayList<>();
        SameDiffNtk ntk = SameDiffNtk.of(sd, "input", "output");
        SameDiffNtkListener listener = SameDiffNtkListener.builder(ntk, probe).everyNIterations(10)
                .probeLabels(probeY).keepKernels(true).sink(sunk::add).build();
        sd.setListeners(listener);
        for (int i = 0; i < 30; i++) {
            sd.fit(ds);
        }
        List<SameDiffNtkSnapshot> h = listener.history();
        assertEquals(List.of(0L, 10L, 20L, 30L), h.stream().map(SameDiffNtkSnapshot::iteration).toList());
        assertEquals(h, sunk, "the sink saw every snapshot");
        assertEquals(0.0, h.get(0).relativeDrift());
        assertTrue(h.get(1).relativeDrift() > 0, "drift after 10 updates: " + h.get(1));
        assertTrue(h.get(3).relativeDrift() > h.get(1).relativeDrift(),
                "drift grows: " + h.get(1).relativeDrift() + " -> " + h.get(3).relativeDrift());

        // the last kernel is the NTK of the trained graph
        NtkAssertions.assertClose(SameDiffNtk.of(sd, "input", "output").compute(probe), h.get(3).kernel(),
                tol(DataType.DOUBLE).exact(), "last snapshot kernel");
        INDArray k0 = h.get(0).kernel();
        for (SameDiffNtkSnapshot s : h) {
            INDArray k = s.kernel();
            double trace = 0;
            double inner = 0;
            for (int i = 0; i < k.rows(); i++) {
                trace += k.getDouble(i, i);
                for (int j = 0; j < k.columns(); j++) {
                    double yy = 0;
                    for (int c = 0; c < probeY.columns(); c++) {
                        yy += probeY.getDouble(i, c) * probeY.getDouble(j, c);
                    }
                    inner += k.getDouble(i, j) * yy;
                }
            }
            INDArray yyT = probeY.mmul(probeY.transpose());
            assertEquals(trace, s.trace(), 1e-12 * trace, "trace");
            assertEquals(k.sub(k0).norm2Number().doubleValue() / k0.norm2Number().doubleValue(), s.relativeDrift(), 1e-12);
            assertEquals(inner / (k.norm2Number().doubleValue() * yyT.norm2Number().doubleValue()), s.alignment(), 1e-12);
            // Rayleigh quotients bound the extreme eigenvalues; both are eigenvalues of a PSD kernel
            assertTrue(s.lambdaMin() >= -1e-9 * s.lambdaMax() && s.lambdaMin() <= trace / k.rows()
                    && s.lambdaMax() >= trace / k.rows() && s.lambdaMax() <= trace * (1 + 1e-12), s.toString());
            INDArray shifted = k.sub(org.nd4j.linalg.factory.Nd4j.eye(k.rows()).muli(s.lambdaMax()));
            assertTrue(Math.abs(org.nd4j.linalg.inverse.InvertMatrix.invert(shifted, false).norm2Number().doubleValue()) > 1e6,
                    "λmax is an eigenvalue (K − λI is singular)");
        }
    }

    @Test
    void fullModeAndValidation() {
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 131, SameDiffGraphs.Bias.BIAS_ADD, 3, 5, 2);
        SameDiffNtk full = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
        INDArray probe = randn(DataType.DOUBLE, 132, 4, 3);
        SameDiffNtkListener l = SameDiffNtkListener.builder(full, probe).everyNIterations(1).keepKernels(true).build();
        configure(sd, new Sgd(0.1));
        sd.setListeners(l);
        sd.fit(data(DataType.DOUBLE, 8));
        assertEquals(2, l.history().size());
        assertEquals(List.of(8L, 8L), List.of(l.history().get(0).kernel().shape()[0], l.history().get(0).kernel().shape()[1]));

        assertThrows(IllegalArgumentException.class, () -> SameDiffNtkListener.builder(full, probe).everyNIterations(0));
        assertThrows(IllegalArgumentException.class, () -> SameDiffNtkListener.builder(full, randn(DataType.DOUBLE, 1, 4, 5)));
        assertThrows(IllegalArgumentException.class,
                () -> SameDiffNtkListener.builder(full, probe).probeLabels(randn(DataType.DOUBLE, 1, 3, 2)));
        assertThrows(IllegalArgumentException.class, () -> SameDiffNtkListener.builder(null, probe));
    }
}
