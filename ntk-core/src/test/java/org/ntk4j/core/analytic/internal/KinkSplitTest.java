package org.ntk4j.core.analytic.internal;

import org.junit.jupiter.api.Test;
import org.ntk4j.core.analytic.GaussianClosedForm;
import org.ntk4j.core.analytic.Nonlinearities;
import org.ntk4j.core.analytic.Nonlinearity;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kink split {@code φ = ψ + r} of {@link KinkPart} in Mehler's series, against closed forms of the same functions
 * (given to the rule as plain numerical functions, so the rule does not know them): where the remainder is 0 or a
 * constant, the split certifies correlations where the plain series cannot, to the closed form's accuracy; and the
 * batched Hermite tables equal one-row tables bit for bit.
 */
class KinkSplitTest {
    private static final double TARGET = 1e-9;

    /** {Ĉ, Ė, err Ĉ, err Ė} by the Mehler path alone, or null when it cannot certify the target. */
    private static double[] mehler(Nonlinearity phi, double mean, double q1, double q2, double rho) {
        HermiteTable t = HermiteTable.of(phi, mean, new double[]{q1, q2}, false);
        double scaleC = Math.sqrt(t.ef[0]) * Math.sqrt(t.ef[1]);
        double scaleE = Math.sqrt(t.eg[0]) * Math.sqrt(t.eg[1]);
        double[] out = new double[6];
        if (!ExactDuals.mehler(t, 0, t, 1, rho, TARGET, scaleC, scaleE, out)) {
            return null;
        }
        return new double[]{out[0], out[1], out[2] / scaleC, out[3] / scaleE, scaleC, scaleE};
    }

    private static void check(Nonlinearity numeric, GaussianClosedForm exact, double mean, double q1, double q2,
                              double rho) {
        double[] got = mehler(numeric, mean, q1, q2, rho);
        String at = numeric.name() + " mean " + mean + " q " + q1 + "," + q2 + " ρ " + rho;
        assertNotNull(got, at + ": the kink split did not certify");
        double[] ref = new double[2];
        exact.products(mean, q1, rho * Math.sqrt(q1) * Math.sqrt(q2), q2, ref);
        for (int k = 0; k < 2; k++) {
            double err = Math.abs(got[k] - ref[k]) / got[4 + k];
            assertTrue(err <= 1e-10, at + (k == 0 ? " E[φφ]" : " E[φ'φ']") + ": " + got[k] + " vs " + ref[k]);
            assertTrue(err <= Math.max(got[2 + k], 1e-13), at + ": error " + err + " above its estimate " + got[2 + k]);
            assertTrue(got[2 + k] <= 10 * TARGET, at + ": estimate " + got[2 + k]);
        }
    }

    @Test
    void numericalReluIsCertifiedNearOneAndMatchesTheArcCosineKernel() {
        Nonlinearity relu = Nonlinearity.of("relu (numerical)", z -> Math.max(z, 0), z -> z > 0 ? 1.0 : 0.0,
                new double[]{0.0}, 4.0);
        assertNotNull(KinkPart.of(relu));
        GaussianClosedForm exact = Nonlinearities.relu().closedForm().orElseThrow();
        for (double q : new double[]{0.05, 1.0, 30.0}) {
            for (double rho : new double[]{-0.95, 0.8, 0.9, 0.99}) {
                check(relu, exact, 0.0, q, 1.3 * q, rho);
            }
        }
        check(relu, exact, 0.4, 0.5, 0.7, 0.97);
        // without the split (a function that hides its kink part: none declared) Mehler's series cannot certify 0.9
        Nonlinearity hidden = Nonlinearity.of("relu, no breakpoint", z -> Math.max(z, 0), z -> z > 0 ? 1.0 : 0.0);
        assertNull(KinkPart.of(hidden));
        assertNull(mehler(hidden, 0.0, 1.0, 1.3, 0.9));
    }

    /** Two kinks (ψ = hard-tanh + 1, r = −1) and a jump of value and slope (ψ = φ), with a mean. */
    @Test
    void piecewiseLinearFunctionsMatchTheirClosedForms() {
        Nonlinearity ht = Nonlinearity.of("hardtanh (numerical)", z -> Math.max(-1.0, Math.min(1.0, z)),
                z -> z > -1 && z < 1 ? 1.0 : 0.0, new double[]{-1.0, 1.0}, 4.0);
        GaussianClosedForm htExact = Nonlinearities.hardTanh().closedForm().orElseThrow();
        Nonlinearity thr = Nonlinearity.of("thresholded (numerical)", z -> z > 0.3 ? z : 0.0,
                z -> z > 0.3 ? 1.0 : 0.0, new double[]{0.3}, 4.0);
        GaussianClosedForm thrExact = Nonlinearities.piecewiseLinear(thr).closedForm().orElseThrow();
        for (double rho : new double[]{-0.9, 0.8, 0.9}) {
            check(ht, htExact, 0.0, 0.8, 1.5, rho);
            check(ht, htExact, 0.2, 2.0, 3.0, rho);
            check(thr, thrExact, 0.0, 0.5, 0.6, rho);
            check(thr, thrExact, -0.1, 1.0, 2.0, rho);
        }
    }

    @Test
    void smoothFunctionsAndContinuousSlopesHaveNoKinkPart() {
        assertNull(KinkPart.of(Nonlinearities.tanh()));
        assertNull(KinkPart.of(Nonlinearities.elu(1.0)));   // slope 1 on both sides of 0
        assertNull(KinkPart.of(Nonlinearities.softsign())); // φ' continuous, only φ'' jumps
        KinkPart selu = KinkPart.of(Nonlinearities.selu());
        assertNotNull(selu);
        // SELU: slope λ above 0, λα just below: ψ = λ(1 − α)·ReLU
        double lambda = 1.0507009873554804934193349852946;
        double alpha = 1.6732632423543772848170429916717;
        assertEquals(lambda * (1 - alpha), selu.derivative(1.0), 1e-9);
        assertEquals(0.0, selu.derivative(-1.0));
    }

    /** Examples grouped by mesh give the same rows as tables of one example each. */
    @Test
    void batchedTablesEqualOneRowTables() {
        SplittableRandom r = new SplittableRandom(3);
        Nonlinearity rt = Nonlinearity.of("rectifiedtanh", z -> z > 0 ? Math.tanh(z) : 0.0,
                z -> z > 0 ? 1 - Math.tanh(z) * Math.tanh(z) : 0.0, new double[]{0.0}, 1.0);
        for (Nonlinearity phi : new Nonlinearity[]{Nonlinearities.tanh(), rt}) {
            for (double mean : new double[]{0.0, 0.25}) {
                double[] q = new double[40];
                for (int i = 0; i < q.length; i++) {
                    q[i] = i == 7 ? 0.0 : Math.pow(10, -2 + 4 * r.nextDouble());
                }
                HermiteTable all = HermiteTable.of(phi, mean, q, true);
                for (int i = 0; i < q.length; i++) {
                    HermiteTable one = HermiteTable.of(phi, mean, new double[]{q[i]}, false);
                    int s = HermiteTable.K + 1;
                    String at = phi.name() + " mean " + mean + " q " + q[i];
                    assertArrayEquals(java.util.Arrays.copyOfRange(all.a, i * s, (i + 1) * s), one.a, 0.0, at);
                    assertArrayEquals(java.util.Arrays.copyOfRange(all.b, i * s, (i + 1) * s), one.b, 0.0, at);
                    assertEquals(all.ef[i], one.ef[0], 0.0, at);
                    assertEquals(all.aErr[i], one.aErr[0], 0.0, at);
                    if (all.kink != null) {
                        assertArrayEquals(java.util.Arrays.copyOfRange(all.ap, i * s, (i + 1) * s), one.ap, 0.0, at);
                        assertEquals(all.erf[i], one.erf[0], 0.0, at);
                    }
                }
            }
        }
        assertFalse(HermiteTable.of(rt, 0.0, new double[]{1.0}, false).kink == null);
    }
}
