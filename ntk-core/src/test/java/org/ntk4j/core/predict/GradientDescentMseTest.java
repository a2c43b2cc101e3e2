package org.ntk4j.core.predict;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.linalg.NotPositiveDefiniteException;
import org.ntk4j.core.testing.NtkTestBase;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/** {@link GradientDescentMse} against closed forms, hand-iterated gradient descent and an ODE integration. */
class GradientDescentMseTest extends NtkTestBase {
    private final PredictFixtures p = new PredictFixtures(7, 6, 4, 2, 40);

    private GradientDescentMse gd(DataType type) {
        return GradientDescentMse.builder(p.thetaTrain.castTo(type), p.y.castTo(type))
                .initialOutputs(p.f0.castTo(type)).build();
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void timeZeroGivesInitialOutputs(DataType type) {
        Prediction z = gd(type).atTime(0.0, p.thetaTestTrain.castTo(type), p.f0Test.castTo(type));
        assertClose(p.f0, z.train().castTo(DataType.DOUBLE), tol(type).exact(), "train at t = 0");
        assertClose(p.f0Test, z.test().castTo(DataType.DOUBLE), tol(type).exact(), "test at t = 0");
        Prediction s0 = gd(type).atSteps(0, 0.1, p.thetaTestTrain.castTo(type), p.f0Test.castTo(type));
        assertClose(p.f0Test, s0.test().castTo(DataType.DOUBLE), tol(type).exact(), "test after 0 steps");
        assertEquals(type, z.test().dataType());
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void convergenceIsKernelRegression(DataType type) {
        // f* = f0* + Θ*X Θ⁻¹ (y − f0), with Commons Math's LU inverse
        INDArray expected = PredictFixtures.col(p.f0Test).add(p.thetaTestTrain.mmul(PredictFixtures.inverse(p.thetaTrain))
                .mmul(PredictFixtures.col(p.y.sub(p.f0)))).reshape('c', p.nt, p.o);
        GradientDescentMse g = gd(type);
        Prediction inf = g.atConvergence(p.thetaTestTrain.castTo(type), p.f0Test.castTo(type));
        double t = tol(type).solve();
        assertClose(expected, inf.test().castTo(DataType.DOUBLE), t, "test at ∞");
        assertClose(p.y, inf.train().castTo(DataType.DOUBLE), tol(type).exact(), "train at ∞ interpolates");
        assertClose(expected, g.atTime(Double.POSITIVE_INFINITY, p.thetaTestTrain.castTo(type),
                p.f0Test.castTo(type)).test().castTo(DataType.DOUBLE), t, "atTime(∞)");
        // a long finite time reaches the same limit through the eigendecomposition
        double tLong = 200 * p.n * p.o / (2 * g.eigen().minEigenvalue());
        assertClose(expected, g.atTime(tLong, p.thetaTestTrain.castTo(type), p.f0Test.castTo(type)).test()
                .castTo(DataType.DOUBLE), t, "test at a long time");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void discreteStepsEqualIteratedGradientDescent(DataType type) {
        GradientDescentMse g = gd(type);
        double eta = 0.7 * g.maxStableLearningRate();
        int steps = 37;
        double c = 2.0 / (p.n * p.o);
        INDArray f = PredictFixtures.col(p.f0);
        INDArray ft = PredictFixtures.col(p.f0Test);
        INDArray yc = PredictFixtures.col(p.y);
        for (int s = 0; s < steps; s++) {
            INDArray r = f.sub(yc);
            ft.subi(p.thetaTestTrain.mmul(r).muli(eta * c));
            f.subi(p.thetaTrain.mmul(r).muli(eta * c));
        }
        Prediction pr = g.atSteps(steps, eta, p.thetaTestTrain.castTo(type), p.f0Test.castTo(type));
        double t = tol(type).solve();
        assertClose(f.reshape('c', p.n, p.o), pr.train().castTo(DataType.DOUBLE), t, "train after steps");
        assertClose(ft.reshape('c', p.nt, p.o), pr.test().castTo(DataType.DOUBLE), t, "test after steps");
    }

    @Test
    void maxStableLearningRateFromCommonsEigenvalues() {
        double[] ev = new EigenDecomposition(PredictFixtures.commons(p.thetaTrain)).getRealEigenvalues();
        double lmax = Arrays.stream(ev).max().orElseThrow();
        double c = 2.0 / (p.n * p.o);
        GradientDescentMse g = gd(DataType.DOUBLE);
        assertEquals(2 / (c * lmax), g.maxStableLearningRate(), tol(DataType.DOUBLE).exact() * (2 / (c * lmax)));
        g.eigen();
        assertEquals(2 / (c * lmax), g.maxStableLearningRate(), tol(DataType.DOUBLE).exact() * (2 / (c * lmax)));
        // just above the limit the residual grows, just below it shrinks
        double eta = g.maxStableLearningRate();
        double r0 = p.f0.sub(p.y).norm2Number().doubleValue();
        assertTrue(g.atSteps(2000, 1.01 * eta, null, null).train().sub(p.y).norm2Number().doubleValue() > 10 * r0);
        assertTrue(g.atSteps(2000, 0.99 * eta, null, null).train().sub(p.y).norm2Number().doubleValue() < r0);
    }

    @Test
    void continuousTimeEqualsOdeIntegrationAndSmallSteps() {
        GradientDescentMse g = gd(DataType.DOUBLE);
        double t = 3.0;
        Prediction exact = g.atTime(t, p.thetaTestTrain, p.f0Test);
        Prediction ode = FunctionSpaceOde.builder(p.thetaTrain, p.y).initialOutputs(p.f0).build()
                .atTime(t, p.thetaTestTrain, p.f0Test);
        assertClose(ode.train(), exact.train(), tol(DataType.DOUBLE).solve(), "train vs ODE");
        assertClose(ode.test(), exact.test(), tol(DataType.DOUBLE).solve(), "test vs ODE");
        // Euler steps of size η converge to the flow at first order
        double e1 = Nd4jRel.err(g.atSteps(300, t / 300, p.thetaTestTrain, p.f0Test).test(), exact.test());
        double e2 = Nd4jRel.err(g.atSteps(3000, t / 3000, p.thetaTestTrain, p.f0Test).test(), exact.test());
        assertTrue(e2 < e1 / 5 && e2 < 1e-3, "steps → flow: " + e1 + ", " + e2);
    }

    @Test
    void floatAgreesWithDouble() {
        Prediction d = gd(DataType.DOUBLE).atSteps(50, 1.0, p.thetaTestTrain, p.f0Test);
        Prediction f = gd(DataType.FLOAT).atSteps(50, 1.0, p.thetaTestTrain, p.f0Test);
        assertEquals(DataType.FLOAT, f.test().dataType());
        assertClose(d.test(), f.test().castTo(DataType.DOUBLE), tol(DataType.FLOAT).crossType(), "FLOAT vs DOUBLE");
    }

    @Test
    void singularKernelNeedsDiagRegOnlyAtConvergence() {
        PredictFixtures s = new PredictFixtures(9, 8, 3, 1, 5); // rank 5 < 8
        GradientDescentMse g = GradientDescentMse.builder(s.thetaTrain, s.y).initialOutputs(s.f0).build();
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                () -> g.atConvergence(s.thetaTestTrain, s.f0Test));
        assertTrue(e.getMessage().contains("diagReg("), e.getMessage());
        // finite times work on the clamped spectrum
        INDArray test = g.atTime(10.0, s.thetaTestTrain, s.f0Test).test();
        assertTrue(Double.isFinite(test.sumNumber().doubleValue()));
        // with a regulariser, convergence equals f0* + Θ*X (Θ + rI)⁻¹ (y − f0), and long times approach it
        double r = 1e-3;
        GradientDescentMse gr = GradientDescentMse.builder(s.thetaTrain, s.y).initialOutputs(s.f0).diagReg(r).build();
        INDArray reg = s.thetaTrain.add(Nd4j.eye(8).castTo(DataType.DOUBLE).muli(r));
        INDArray expected = PredictFixtures.col(s.f0Test).add(s.thetaTestTrain.mmul(PredictFixtures.inverse(reg))
                .mmul(PredictFixtures.col(s.y.sub(s.f0)))).reshape('c', 3, 1);
        assertClose(expected, gr.atConvergence(s.thetaTestTrain, s.f0Test).test(), tol(DataType.DOUBLE).solve(), "regularised ∞");
        assertClose(expected, gr.atTime(1e7, s.thetaTestTrain, s.f0Test).test(), 1e-6, "regularised long time");
    }

    @Test
    void noTestSetAndZeroInitialOutputs() {
        GradientDescentMse g = GradientDescentMse.builder(p.thetaTrain, p.y).build();
        Prediction pr = g.atTime(1.0, null, null);
        assertNull(pr.test());
        Prediction zeros = g.atTime(1.0, p.thetaTestTrain, null);
        Prediction explicit = g.atTime(1.0, p.thetaTestTrain, Nd4j.zeros(DataType.DOUBLE, p.nt, p.o));
        assertClose(explicit.test(), zeros.test(), 0.0, "zero f0*");
        assertEquals(2.0 / 12, g.rate(), 1e-15);
    }

    @Test
    void badInputs() {
        IllegalArgumentException e;
        e = assertThrows(IllegalArgumentException.class,
                () -> GradientDescentMse.builder(Nd4j.eye(5).castTo(DataType.DOUBLE), p.y).build());
        assertTrue(e.getMessage().contains("[12, 12] for 6 × 6 examples and 2 outputs, got [5, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GradientDescentMse.builder(p.thetaTrain, p.y).initialOutputs(Nd4j.zeros(6, 3)).build());
        assertTrue(e.getMessage().contains("[6, 2], got [6, 3]"), e.getMessage());
        GradientDescentMse g = gd(DataType.DOUBLE);
        e = assertThrows(IllegalArgumentException.class, () -> g.atTime(-1, null, null));
        assertTrue(e.getMessage().contains("(got: -1.0)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> g.atSteps(-1, 0.1, null, null));
        assertTrue(e.getMessage().contains("(got: -1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> g.atSteps(1, 0, null, null));
        assertTrue(e.getMessage().contains("(got: 0.0)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> g.atTime(1, Nd4j.zeros(8, 11), null));
        assertTrue(e.getMessage().contains("got [8, 11]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> g.atTime(1, p.thetaTestTrain, Nd4j.zeros(3, 2)));
        assertTrue(e.getMessage().contains("expected test initial outputs [4, 2], got [3, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GradientDescentMse.builder(p.thetaTrain, p.y).diagReg(-1));
        assertTrue(e.getMessage().contains("(got: -1.0)"), e.getMessage());
        INDArray nanY = p.y.dup();
        nanY.putScalar(0, 0, Double.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> GradientDescentMse.builder(p.thetaTrain, nanY).build());
        assertTrue(e.getMessage().contains("training targets contains NaN"), e.getMessage());
    }

    /** Relative error without assertions. */
    static final class Nd4jRel {
        static double err(INDArray a, INDArray b) {
            return a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
        }
    }
}
