package org.ntk4j.core.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.testing.NtkTestBase;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernel metrics against hand-computed small cases and closed forms (matrices with a known eigendecomposition built
 * from a Householder reflection), in FLOAT and DOUBLE.
 */
class KernelMetricsTest extends NtkTestBase {

    private static INDArray m(DataType t, double[][] rows) {
        return Nd4j.create(rows).castTo(t);
    }

    /** Q diag(λ) Qᵀ with Q = I − 2vvᵀ/vᵀv, a symmetric orthogonal matrix: eigenvalues exactly λ. */
    private static double[][] withEigenvalues(double[] lambda, long seed) {
        int n = lambda.length;
        java.util.Random r = new java.util.Random(seed);
        double[] v = new double[n];
        double vv = 0;
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
            vv += v[i] * v[i];
        }
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv;
            }
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i][k] * lambda[k] * q[j][k];
                }
                a[i][j] = s;
            }
        }
        return a;
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void driftByHand(DataType t) {
        INDArray k0 = m(t, new double[][]{{2, 1}, {1, 2}});
        INDArray kt = m(t, new double[][]{{3, 1}, {1, 2}});
        // ||diff|| = 1, ||K0|| = sqrt(4+1+1+4) = sqrt(10)
        assertEquals(1 / Math.sqrt(10), KernelMetrics.relativeDrift(kt, k0), tol(t).exact());
        assertEquals(0.0, KernelMetrics.relativeDrift(k0, k0), 0.0);
        INDArray z = Nd4j.zeros(t, 2, 2);
        assertEquals(0.0, KernelMetrics.relativeDrift(z, z), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, KernelMetrics.relativeDrift(k0, z));
        INDArray nan = k0.dup();
        nan.putScalar(0, 0, Double.NaN);
        assertTrue(Double.isNaN(KernelMetrics.relativeDrift(nan, k0)));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void spectrumOfTwoByTwo(DataType t) {
        KernelSpectrum s = KernelMetrics.spectrum(m(t, new double[][]{{2, 1}, {1, 2}}));
        double e = tol(t).exact();
        assertEquals(3, s.lambdaMax(), 3 * e);
        assertEquals(1, s.lambdaMin(), 3 * e);
        assertEquals(3, s.conditionNumber(), 3 * e);
        assertEquals(16.0 / 10.0, s.effectiveRank(), 3 * e);   // (3+1)^2 / (9+1)
        double h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        assertEquals(Math.exp(h), s.entropyEffectiveRank(), 3 * e);
        assertEquals(4, KernelMetrics.trace(m(t, new double[][]{{2, 1}, {1, 2}})), e);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void spectrumOfKnownEigenvalues(DataType t) {
        double[] lambda = {0.5, 7, 2, 1e-3, 3, 3};
        KernelSpectrum s = KernelMetrics.spectrum(m(t, withEigenvalues(lambda, 3)));
        double[] expected = {7, 3, 3, 2, 0.5, 1e-3};
        double[] got = s.eigenvalues();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 7 * tol(t).exact(), "eigenvalue " + i + " of " + Arrays.toString(got));
        }
        double sum = Arrays.stream(lambda).sum(), sum2 = Arrays.stream(lambda).map(x -> x * x).sum();
        assertEquals(sum * sum / sum2, s.effectiveRank(), 10 * tol(t).exact());
        assertEquals(sum, KernelMetrics.trace(m(t, withEigenvalues(lambda, 3))), 10 * tol(t).exact());
        if (t == DataType.DOUBLE) {
            assertEquals(7 / 1e-3, s.conditionNumber(), 1e-6 * 7e3);
        }
    }

    @Test
    void singularKernelHasInfiniteConditionAndRankOne() {
        KernelSpectrum s = KernelSpectrum.of(new double[]{0, 4, -1e-17});
        assertEquals(Double.POSITIVE_INFINITY, s.conditionNumber());
        assertEquals(1.0, s.effectiveRank(), 0.0);
        assertEquals(1.0, s.entropyEffectiveRank(), 1e-15);
        KernelSpectrum flat = KernelSpectrum.of(new double[]{2, 2, 2, 2});
        assertEquals(4.0, flat.effectiveRank(), 1e-15);
        assertEquals(4.0, flat.entropyEffectiveRank(), 1e-12);
        assertTrue(Double.isNaN(KernelSpectrum.of(new double[]{0, 0}).effectiveRank()));
    }

    /** A FULL kernel K[i,j,k,l] = A[i,j] δ_kl has flat form A ⊗ I_o: each eigenvalue of A repeated o times. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void fullKernelUsesFlatForm(DataType t) {
        double[] lambda = {4, 1, 0.25};
        double[][] a = withEigenvalues(lambda, 5);
        int n = 3, o = 2;
        INDArray full = Nd4j.zeros(DataType.DOUBLE, n, n, o, o);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < o; k++) {
                    full.putScalar(new long[]{i, j, k, k}, a[i][j]);
                }
            }
        }
        full = full.castTo(t);
        KernelSpectrum s = KernelMetrics.spectrum(full);
        assertEquals(n * o, s.size());
        double[] expected = {4, 4, 1, 1, 0.25, 0.25};
        double[] got = s.eigenvalues();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 5 * tol(t).exact());
        }
        assertEquals(o * 5.25, KernelMetrics.trace(full), 10 * tol(t).exact());
        // exact stable rate n·o/λmax of the flat kernel
        assertEquals(n * o / 4.0, KernelMetrics.maxStableLearningRate(full), 5 * tol(t).exact());
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void alignmentByHand(DataType t) {
        // K = I (n = 3), y = [1, 0, -1] (already centred): K_c = H, ||H||_F = sqrt(2), <H, yyᵀ> = yᵀy = 2,
        // ||yyᵀ||_F = 2  ->  A = 2 / (sqrt(2) * 2) = 1/sqrt(2)
        INDArray k = Nd4j.eye(3).castTo(DataType.DOUBLE).castTo(t);
        INDArray y = Nd4j.create(new double[]{1, 0, -1}).castTo(t);
        assertEquals(1 / Math.sqrt(2), KernelMetrics.centredAlignment(k, y), tol(t).exact());
        // a shifted target has the same centred alignment
        assertEquals(1 / Math.sqrt(2), KernelMetrics.centredAlignment(k, y.add(5)), tol(t).exact());
        // K = yyᵀ + constant: perfectly aligned after centring
        INDArray yy = Nd4j.create(new double[][]{{1, 0, -1}}).castTo(DataType.DOUBLE);
        INDArray kk = yy.transpose().mmul(yy).addi(3).castTo(t);
        assertEquals(1.0, KernelMetrics.centredAlignment(kk, y), tol(t).exact());
        assertEquals(-1.0, KernelMetrics.centredAlignment(kk.neg(), y), tol(t).exact());
        // constant labels: undefined
        assertTrue(Double.isNaN(KernelMetrics.centredAlignment(k, Nd4j.ones(t, 3))));
    }

    /** Against the definition with explicit centring matrices (ND4J matrix products), multi-column labels. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void alignmentMatchesDefinition(DataType t) {
        int n = 7, c = 3;
        INDArray x = randn(DataType.DOUBLE, 11, n, 4);
        INDArray k = x.mmul(x.transpose()).addi(1.5);
        INDArray y = randn(DataType.DOUBLE, 12, n, c);
        INDArray h = Nd4j.eye(n).castTo(DataType.DOUBLE).subi(1.0 / n);
        INDArray kc = h.mmul(k).mmul(h);
        INDArray lc = h.mmul(y.mmul(y.transpose())).mmul(h);
        double expected = kc.mul(lc).sumNumber().doubleValue()
                / (kc.norm2Number().doubleValue() * lc.norm2Number().doubleValue());
        assertEquals(expected, KernelMetrics.centredAlignment(k.castTo(t), y.castTo(t)), 5 * tol(t).exact());
    }

    /** FULL kernel: target vec(Y)vec(Y)ᵀ, centring (H ⊗ I_o), against explicit Kronecker products. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void fullAlignmentMatchesDefinition(DataType t) {
        int n = 5, o = 2;
        INDArray g = randn(DataType.DOUBLE, 13, n * o, 6);
        INDArray flat = g.mmul(g.transpose());
        INDArray full = KernelLayout.unflatten(flat, o);
        INDArray y = randn(DataType.DOUBLE, 14, n, o);
        INDArray vec = y.dup('c').reshape('c', n * o, 1);
        INDArray h = Nd4j.eye(n).castTo(DataType.DOUBLE).subi(1.0 / n);
        INDArray c = Nd4j.zeros(DataType.DOUBLE, n * o, n * o);   // H ⊗ I_o, example-major
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < o; k++) {
                    c.putScalar(i * o + k, j * o + k, h.getDouble(i, j));
                }
            }
        }
        INDArray kc = c.mmul(flat).mmul(c);
        INDArray lc = c.mmul(vec.mmul(vec.transpose())).mmul(c);
        double expected = kc.mul(lc).sumNumber().doubleValue()
                / (kc.norm2Number().doubleValue() * lc.norm2Number().doubleValue());
        assertEquals(expected, KernelMetrics.centredAlignment(full.castTo(t), y.castTo(t)), 5 * tol(t).exact());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelMetrics.centredAlignment(full, Nd4j.zeros(n, 3)));
        assertTrue(e.getMessage().contains("[5, 3]"), e.getMessage());
    }

    /**
     * The stable rate against a direct simulation of the linearised full-batch dynamics with DL4J's scaling,
     * r ← (I − (2η/(n·o)) Θ) r: no mode grows just below n·o/λmax, the top mode explodes just above.
     */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void stableRateSeparatesDecayFromGrowth(DataType t) {
        int n = 4, o = 2;
        INDArray g = randn(DataType.DOUBLE, 21, n * o, 5);
        INDArray flat = g.mmul(g.transpose());
        INDArray full = KernelLayout.unflatten(flat, o).castTo(t);
        double eta = KernelMetrics.maxStableLearningRate(full);
        assertTrue(simulate(flat, 0.98 * eta, n * o) <= 1.0, "no mode grows below the bound");
        assertTrue(simulate(flat, 1.02 * eta, n * o) > 1e3, "grows above the bound");
        // the TRACE estimate is an upper bound of the exact rate (λmax(mean of diagonal blocks) ≤ λmax(flat))
        INDArray trace = KernelLayout.traceOf(KernelLayout.unflatten(flat, o)).castTo(t);
        assertTrue(KernelMetrics.maxStableLearningRateFromTrace(trace, o) >= eta * (1 - tol(t).exact()));
        // and it equals n·o/λmax(trace kernel)
        double lt = KernelMetrics.spectrum(trace).lambdaMax();
        assertEquals(n * o / lt, KernelMetrics.maxStableLearningRateFromTrace(trace, o), 1e-12 * n * o / lt);
    }

    private static double simulate(INDArray flat, double eta, int no) {
        INDArray step = Nd4j.eye(no).castTo(DataType.DOUBLE).subi(flat.mul(2 * eta / no));
        INDArray r = Nd4j.ones(DataType.DOUBLE, no, 1);
        for (int s = 0; s < 2000; s++) {
            r = step.mmul(r);
        }
        return r.norm2Number().doubleValue() / Math.sqrt(no);
    }

    @Test
    void stableRateOfZeroKernelIsInfinite() {
        assertEquals(Double.POSITIVE_INFINITY, KernelMetrics.maxStableLearningRate(0.0, 3, 1));
        assertEquals(1.5, KernelMetrics.maxStableLearningRate(4.0, 3, 2), 0.0);
    }

    @Test
    void badInputsNameTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelMetrics.spectrum(Nd4j.zeros(2, 3)));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> KernelMetrics.relativeDrift(Nd4j.zeros(2, 2), Nd4j.zeros(3, 3)));
        assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("[3, 3]"), e.getMessage());
        INDArray nan = Nd4j.eye(2).castTo(DataType.DOUBLE);
        nan.putScalar(1, 1, Double.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> KernelMetrics.spectrum(nan));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> KernelMetrics.centredAlignment(Nd4j.eye(3).castTo(DataType.DOUBLE), Nd4j.zeros(4)));
        assertTrue(e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KernelMetrics.maxStableLearningRate(1.0, 0, 1));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> KernelMetrics.maxStableLearningRateFromTrace(Nd4j.zeros(1, 2, 2, 2), 2));
        assertTrue(e.getMessage().contains("[1, 2, 2, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KernelSpectrum.of(new double[]{1, Double.NaN}));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertArrayEquals(new double[]{3, 1}, KernelSpectrum.of(new double[]{1, 3}).eigenvalues());
    }
}
