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
