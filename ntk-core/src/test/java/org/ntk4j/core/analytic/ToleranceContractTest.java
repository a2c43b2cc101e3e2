package org.ntk4j.core.analytic;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tolerance contract: estimates are reported, a missed tolerance throws (or warns on request), never silently. */
class ToleranceContractTest extends NtkTestBase {

    private static FullyConnectedKernel.Builder stack(Nonlinearity phi, double weightVariance) {
        return FullyConnectedKernel.builder(3)
                .layer(DenseLayerSpec.builder(64).weightVariance(weightVariance).activation(phi).build())
                .layer(DenseLayerSpec.builder(32).weightVariance(weightVariance).activation(phi).build())
                .layer(DenseLayerSpec.builder(1).build());
    }

    @Test
    void closedFormsReportZeroAndNumericalRulesTheirEstimate() {
        INDArray x = randn(DataType.DOUBLE, 3, 6, 3);
        assertEquals(0.0, stack(Nonlinearities.relu(), 2).build().compute(x).errorEstimate());
        KernelPair tanh = stack(Nonlinearities.tanh(), 4).build().compute(x);
        assertTrue(tanh.errorEstimate() > 0 && tanh.errorEstimate() <= 1e-6, "estimate " + tanh.errorEstimate());
        assertTrue(Double.isNaN(stack(Nonlinearities.tanh(), 4).quadratureDegree(25).build().compute(x)
                .errorEstimate()));
    }

    /** A kink not declared as a breakpoint, at a large variance: the rule cannot reach 1e-10 and says so. */
    @Test
    void undeclaredKinkMissesAStrictToleranceLoudly() {
        Nonlinearity hidden = Nonlinearity.of("relu without breakpoint", z -> Math.max(z, 0),
                z -> z > 0 ? 1.0 : 0.0);
        INDArray x = randn(DataType.DOUBLE, 4, 5, 3);
        ToleranceNotMetException e = assertThrows(ToleranceNotMetException.class,
                () -> stack(hidden, 2).tolerance(1e-10).build().compute(x));
        assertTrue(e.getMessage().startsWith("estimated error"), e.getMessage());
        assertTrue(e.estimate() > 1e-10, "estimate " + e.estimate());
        KernelPair kp = stack(hidden, 2).tolerance(1e-10).warnOnly(true).build().compute(x);
        assertEquals(e.estimate(), kp.errorEstimate(), 1e-12 * e.estimate());
        // the honest estimate bounds the true error, here known from the closed form
        KernelPair exact = stack(Nonlinearities.relu(), 2).build().compute(x);
        double worst = 0;
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                double scale = Math.sqrt(exact.ntk().getDouble(i, i) * exact.ntk().getDouble(j, j));
                worst = Math.max(worst, Math.abs(kp.ntk().getDouble(i, j) - exact.ntk().getDouble(i, j)) / scale);
                double scaleK = Math.sqrt(exact.nngp().getDouble(i, i) * exact.nngp().getDouble(j, j));
                worst = Math.max(worst, Math.abs(kp.nngp().getDouble(i, j) - exact.nngp().getDouble(i, j)) / scaleK);
            }
        }
        assertTrue(worst <= kp.errorEstimate(), "error " + worst + " above the estimate " + kp.errorEstimate());
    }

    /**
     * Cube layers at a small variance collapse (variance 15q³ per layer, 1e-63 at the fifth, energies 1e-187), so the per-example
     * energies multiply below the smallest double: the rule must still accept them (it once reported an infinite
     * estimate) and agree with Isserlis' theorem, {@code E[u³v³] = 9 k11 k22 k12 + 6 k12³},
     * {@code E[3u² 3v²] = 9 (k11 k22 + 2 k12²)}, in the NTK parameterization without bias.
     */
    @Test
    void collapsingCubeStackMatchesIsserlis() {
        int depth = 5;
        FullyConnectedKernel.Builder b = FullyConnectedKernel.builder(2).parameterization(Parameterization.NTK);
        for (int l = 0; l < depth; l++) {
            b.layer(DenseLayerSpec.builder(16).bias(false).activation(Nonlinearities.cube()).build());
        }
        FullyConnectedKernel k = b.layer(DenseLayerSpec.builder(1).bias(false).build()).build();
        double[][] xs = {{0.2, 0.22}, {0.3, 0.05}, {-0.15, 0.27}};
        INDArray x = org.nd4j.linalg.factory.Nd4j.createFromArray(xs);
        KernelPair kp = k.compute(x);
        assertTrue(kp.errorEstimate() <= 1e-6, "estimate " + kp.errorEstimate());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double c11 = (xs[i][0] * xs[i][0] + xs[i][1] * xs[i][1]) / 2;
                double c22 = (xs[j][0] * xs[j][0] + xs[j][1] * xs[j][1]) / 2;
                double c12 = (xs[i][0] * xs[j][0] + xs[i][1] * xs[j][1]) / 2;
                double theta = 0;
                double e = 0;
                for (int l = 0; l <= depth; l++) {
                    theta = c12 + (l == 0 ? 0 : e * theta);
                    double k11 = c11;
                    double k22 = c22;
                    double k12 = c12;
                    c11 = 15 * k11 * k11 * k11;
                    c22 = 15 * k22 * k22 * k22;
                    c12 = 9 * k11 * k22 * k12 + 6 * k12 * k12 * k12;
                    e = 9 * (k11 * k22 + 2 * k12 * k12);
                    if (l == depth) {
                        assertEquals(k12, kp.nngp().getDouble(i, j), 1e-9 * Math.sqrt(k11) * Math.sqrt(k22), "nngp " + i + j);
                    }
                }
                assertTrue(Math.abs(kp.ntk().getDouble(i, j) - theta) <= 1e-9 * Math.abs(theta) + 1e-300,
                        "ntk " + i + "," + j + ": " + kp.ntk().getDouble(i, j) + " vs " + theta);
            }
        }
    }

    @Test
    void badTolerancesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> stack(Nonlinearities.tanh(), 1).tolerance(0).build());
        assertEquals("tolerance must be in [1e-12, 1) (got: 0.0)", e.getMessage());
    }

    /** FLOAT input gives the DOUBLE result rounded to float. */
    @Test
    void floatAndDoubleAgree() {
        INDArray x = randn(DataType.DOUBLE, 5, 7, 3);
        FullyConnectedKernel k = stack(Nonlinearities.selu(), 1).build();
        KernelPair d = k.compute(x);
        KernelPair f = k.compute(x.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, f.ntk().dataType());
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 7; j++) {
                assertEquals(d.ntk().getDouble(i, j), f.ntk().getDouble(i, j), 2e-6 * Math.abs(d.ntk().getDouble(i, i)));
            }
        }
    }
}
