package org.ntk4j.core.analytic;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.junit.jupiter.api.Test;
import org.ntk4j.core.analytic.internal.GaussHermite;
import org.ntk4j.core.analytic.internal.GaussianMoments;
import org.ntk4j.core.testing.NtkTestBase;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gaussian expectations: Gauss–Hermite rule, closed forms against quadrature and against independent adaptive
 * integration (commons-math Legendre–Gauss, nested), centred and non-centred. These are scalar DOUBLE computations,
 * so their tolerances are stated here rather than in the per-data-type table.
 */
class GaussianMomentsTest extends NtkTestBase {
    /** Closed form vs high-degree quadrature of a smooth function (the "~1e-8"). */
    private static final double SMOOTH_TOL = 1e-8;

    /** (k11, k12, k22) triples: generic, negative correlation, nearly collinear, exactly collinear, unequal scales. */
    private static final double[][] CASES = {
            {1.0, 0.3, 0.8}, {0.5, -0.4, 1.2}, {2.0, 1.999, 2.0}, {1.3, 1.3, 1.3}, {0.05, 0.01, 3.0}, {1.0, 0.0, 1.0}};

    @Test
    void gaussHermiteIntegratesMomentsExactly() {
        for (int q : new int[]{1, 2, 5, 25, 100}) {
            GaussHermite gh = GaussHermite.of(q);
            double[] x = gh.nodes();
            double[] w = gh.weights();
            for (int k = 0; k <= Math.min(2 * q - 1, 40); k += 2) {
                double s = 0;
                for (int i = 0; i < q; i++) {
                    s += w[i] * Math.pow(x[i], k);
                }
                double exact = doubleFactorial(k - 1);
                assertEquals(exact, s, 1e-12 * exact, "E[xi^" + k + "] with q = " + q);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> GaussHermite.of(0));
    }

    @Test
    void erfAndIdentityClosedFormsEqualQuadrature() {
        GaussianMoments quad = new GaussianMoments(120);
        for (double[] c : CASES) {
            assertMomentsMatch(Nonlinearities.erf(), 0.0, c, quad, SMOOTH_TOL);
            assertMomentsMatch(Nonlinearities.identity(), 0.0, c, quad, SMOOTH_TOL);
            assertMomentsMatch(Nonlinearities.identity(), 0.7, c, quad, SMOOTH_TOL);
        }
    }

    @Test
    void piecewiseLinearClosedFormsEqualIndependentIntegration() {
        // relu, leaky relu, abs: closed form vs nested adaptive integration split at the kinks
        for (Nonlinearity phi : new Nonlinearity[]{Nonlinearities.relu(), Nonlinearities.leakyRelu(0.1),
                Nonlinearities.leakyRelu(-0.3), Nonlinearities.abs()}) {
            GaussianClosedForm cf = phi.closedForm().orElseThrow();
            for (double mean : new double[]{0.0, 0.3, -0.8, 2.0}) {
                assertTrue(cf.supportsMean(mean));
                for (double[] c : CASES) {
                    if (c[1] * c[1] > c[0] * c[2] * (1 - 1e-6)) {
                        continue; // the reference needs a non-singular covariance
                    }
                    double[] ref = reference(phi, mean, c[0], c[1], c[2]);
                    double cv = cf.valueProduct(mean, c[0], c[1], c[2]);
                    double dv = cf.derivativeProduct(mean, c[0], c[1], c[2]);
                    String what = phi.name() + " mean " + mean + " " + str(c);
                    assertEquals(ref[0], cv, SMOOTH_TOL * Math.max(1, Math.abs(ref[0])), what + " E[phi phi]");
                    assertEquals(ref[1], dv, SMOOTH_TOL * Math.max(1, Math.abs(ref[1])), what + " E[phi' phi']");
                }
            }
        }
    }

    @Test
    void quadratureOfKinkedFunctionsConvergesToClosedForm() {
        double[] c = {1.0, 0.3, 0.8};
        Nonlinearity relu = Nonlinearities.relu();
        GaussianClosedForm cf = relu.closedForm().orElseThrow();
        double exact = cf.valueProduct(0, c[0], c[1], c[2]);
        double err25 = Math.abs(quadOnly(relu, 0, c, 25)[0] - exact) / exact;
        double err200 = Math.abs(quadOnly(relu, 0, c, 200)[0] - exact) / exact;
        assertTrue(err25 < 5e-2, "relu quadrature at q=25: " + err25);
        assertTrue(err200 < err25 / 4, "relu quadrature must converge: q=25 " + err25 + ", q=200 " + err200);
    }

    @Test
    void smoothQuadratureMatchesIndependentIntegrationCentredAndShifted() {
        GaussianMoments quad = new GaussianMoments(100);
        Nonlinearity[] smooth = {Nonlinearities.tanh(), Nonlinearities.sigmoid(), Nonlinearities.gelu(),
                Nonlinearities.swish(), Nonlinearities.softplus(), Nonlinearities.erf()};
        double[][] cases = {{0.5, -0.4, 1.2}, {2.5, 1.0, 0.7}};
        for (Nonlinearity phi : smooth) {
            for (double mean : new double[]{0.0, -1.1}) {
                for (double[] c : cases) {
                    double[] ref = reference(phi, mean, c[0], c[1], c[2]);
                    double[] got = run(quad, phi, mean, c);
                    assertEquals(ref[0], got[0], 1e-6 * Math.max(1, Math.abs(ref[0])),
                            phi.name() + " mean " + mean + " E[phi phi] " + str(c));
                    assertEquals(ref[1], got[1], 1e-6 * Math.max(1, Math.abs(ref[1])),
                            phi.name() + " mean " + mean + " E[phi' phi'] " + str(c));
                }
            }
        }
    }

    @Test
    void documentedQuadratureAccuracyForSmoothFunctions() {
        // the accuracy stated in FullyConnectedKernel's javadoc and docs/theory.md (worst function: tanh), against q = 200
        GaussianMoments ref = new GaussianMoments(200);
        GaussianMoments q25 = new GaussianMoments(FullyConnectedKernel.DEFAULT_QUADRATURE_DEGREE);
        GaussianMoments q100 = new GaussianMoments(100);
        for (Nonlinearity phi : new Nonlinearity[]{Nonlinearities.tanh(), Nonlinearities.sigmoid(),
                Nonlinearities.gelu(), Nonlinearities.softplus()}) {
            for (double[] c : new double[][]{{1.0, 0.3, 0.8}, {1.0, 0.95, 1.0}, {0.5, 0.2, 0.4}}) {
                assertRelative(run(ref, phi, 0.1, c), run(q25, phi, 0.1, c), 2e-4, phi.name() + " q=25 " + str(c));
            }
            for (double[] c : new double[][]{{3.0, -1.0, 0.5}, {3.0, 2.9, 3.0}}) {
                assertRelative(run(ref, phi, 0.1, c), run(q100, phi, 0.1, c), 5e-6, phi.name() + " q=100 " + str(c));
            }
        }
    }

    private static void assertRelative(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected[0], actual[0], tol * Math.abs(expected[0]), what + " value");
        assertEquals(expected[1], actual[1], tol * Math.abs(expected[1]), what + " derivative");
    }

    @Test
    void closedFormsAreClampedAtTheEdges() {
        for (Nonlinearity phi : new Nonlinearity[]{Nonlinearities.relu(), Nonlinearities.abs(), Nonlinearities.erf()}) {
            GaussianClosedForm cf = phi.closedForm().orElseThrow();
            // covariance slightly outside Cauchy–Schwarz by rounding, and zero variance
            double v = cf.valueProduct(0, 1.0, 1.0 + 1e-15, 1.0);
            double d = cf.derivativeProduct(0, 1.0, -1.0 - 1e-15, 1.0);
            double z = cf.valueProduct(0, 0.0, 0.0, 2.0);
            assertTrue(Double.isFinite(v) && Double.isFinite(d) && Double.isFinite(z), phi.name());
        }
    }

    private static void assertMomentsMatch(Nonlinearity phi, double mean, double[] c, GaussianMoments quad, double tol) {
        GaussianClosedForm cf = phi.closedForm().orElseThrow();
        double cv = cf.valueProduct(mean, c[0], c[1], c[2]);
        double dv = cf.derivativeProduct(mean, c[0], c[1], c[2]);
        double[] q = quadOnly(phi, mean, c, quad.degree());
        assertEquals(cv, q[0], tol * Math.max(1, Math.abs(cv)), phi.name() + " E[phi phi] " + str(c));
        assertEquals(dv, q[1], tol * Math.max(1, Math.abs(dv)), phi.name() + " E[phi' phi'] " + str(c));
    }

    /** Quadrature, bypassing the closed form. */
    private static double[] quadOnly(Nonlinearity phi, double mean, double[] c, int degree) {
        Nonlinearity plain = Nonlinearity.of(phi.name(), phi::value, phi::derivative);
        return run(new GaussianMoments(degree), plain, mean, c);
    }

    private static double[] run(GaussianMoments m, Nonlinearity phi, double mean, double[] c) {
        double[] cv = new double[1];
        double[] ev = new double[1];
        m.compute(phi, mean, new double[]{c[0]}, new double[]{c[1]}, new double[]{c[2]}, 1, cv, ev);
        return new double[]{cv[0], ev[0]};
    }

    /**
     * Independent reference: E[f(u) g(v)] by nested adaptive Legendre–Gauss integration of the conditional
     * decomposition u ~ N(μ, k11), v | u ~ N(μ + (k12/k11)(u − μ), k22 − k12²/k11), each over ±12 standard deviations,
     * split at 0 and ±1 where the functions used here have kinks.
     */
    private static double[] reference(Nonlinearity phi, double mean, double k11, double k12, double k22) {
        return new double[]{
                nested(phi::value, phi::value, mean, k11, k12, k22),
                nested(phi::derivative, phi::derivative, mean, k11, k12, k22)};
    }

    private static double nested(DoubleUnaryOperator f, DoubleUnaryOperator g, double mean, double k11, double k12,
                                 double k22) {
        double s1 = Math.sqrt(k11);
        double condVar = k22 - k12 * k12 / k11;
        double s2 = Math.sqrt(Math.max(condVar, 0));
        UnivariateFunction outer = u -> {
            double m = mean + k12 / k11 * (u - mean);
            UnivariateFunction inner = v -> g.applyAsDouble(v) * density(v, m, s2);
            double in = integrate(inner, m - 12 * s2, m + 12 * s2);
            return f.applyAsDouble(u) * density(u, mean, s1) * in;
        };
        return integrate(outer, mean - 12 * s1, mean + 12 * s1);
    }

    private static double integrate(UnivariateFunction h, double lo, double hi) {
        double[] cuts = {-1.0, 0.0, 1.0};
        double total = 0;
        double a = lo;
        for (double cut : cuts) {
            if (cut > a && cut < hi) {
                total += piece(h, a, cut);
                a = cut;
            }
        }
        return total + piece(h, a, hi);
    }

    private static double piece(UnivariateFunction h, double a, double b) {
        IterativeLegendreGaussIntegrator in = new IterativeLegendreGaussIntegrator(16, 1e-13, 1e-15, 2, 64);
        return in.integrate(Integer.MAX_VALUE, h, a, b);
    }

    private static double density(double x, double m, double s) {
        double z = (x - m) / s;
        return Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI));
    }

    private static double doubleFactorial(int n) {
        double r = 1;
        for (int i = n; i > 1; i -= 2) {
            r *= i;
        }
        return r;
    }

    private static String str(double[] c) {
        return java.util.Arrays.toString(c);
    }
}
