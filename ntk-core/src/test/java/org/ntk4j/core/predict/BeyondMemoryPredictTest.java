package org.ntk4j.core.predict;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * {@link GradientDescentMse} and {@link GaussianProcessEnsemble} with a memory budget too small for their dense
 * factorizations: at convergence they solve by conjugate gradients and agree with the Cholesky path (the reference,
 * under the default budget), DOUBLE and FLOAT; finite times and steps are refused by name.
 */
class BeyondMemoryPredictTest extends NtkTestBase {
    private final PredictFixtures fx = new PredictFixtures(31, 40, 7, 2, 120);   // m = 80
    private final PredictFixtures nngp = new PredictFixtures(32, 40, 7, 2, 100);
    private static final MemoryBudget TINY = MemoryBudget.ofBytes(2L * 8 * 80 * 80 - 1);

    @Test
    void gradientDescentAtConvergenceFallsBackToConjugateGradients() {
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            for (double reg : new double[]{0.0, 0.05}) {
                GradientDescentMse dense = GradientDescentMse.builder(fx.thetaTrain.castTo(type), fx.y.castTo(type))
                        .initialOutputs(fx.f0.castTo(type)).diagReg(reg).build();
                GradientDescentMse small = GradientDescentMse.builder(fx.thetaTrain.castTo(type), fx.y.castTo(type))
                        .initialOutputs(fx.f0.castTo(type)).diagReg(reg).memoryBudget(TINY).build();
                Prediction a = dense.atConvergence(fx.thetaTestTrain.castTo(type), fx.f0Test.castTo(type));
                Prediction b = small.atConvergence(fx.thetaTestTrain.castTo(type), fx.f0Test.castTo(type));
                double tol = type == DataType.DOUBLE ? 1e-5 : 1e-3;
                assertClose(a.train(), b.train(), tol, "train " + type + " " + reg);
                assertClose(a.test(), b.test(), tol, "test " + type + " " + reg);
            }
        }
    }

    @Test
    void finiteTimesBeyondMemoryAreRefusedByName() {
        GradientDescentMse small = GradientDescentMse.builder(fx.thetaTrain, fx.y).memoryBudget(TINY).build();
        MemoryBudgetExceededException e = assertThrows(MemoryBudgetExceededException.class,
                () -> small.atTime(1.0, fx.thetaTestTrain, null));
        assertTrue(e.getMessage().contains("GradientDescentMse at a finite time")
                && e.getMessage().contains("no Lanczos or Chebyshev"), e.getMessage());
        assertThrows(MemoryBudgetExceededException.class, () -> small.atSteps(10, 0.1, fx.thetaTestTrain, null));
        GaussianProcessEnsemble g = GaussianProcessEnsemble.builder(fx.thetaTrain, nngp.thetaTrain, fx.y)
                .memoryBudget(TINY).build();
        e = assertThrows(MemoryBudgetExceededException.class,
                () -> g.ntkGp(1.0, fx.thetaTestTrain, nngp.thetaTestTrain, nngp.thetaTestTest));
        assertTrue(e.getMessage().contains("GaussianProcessEnsemble at a finite time or step count"), e.getMessage());
    }

    @Test
    void theEnsembleAtInfinityFallsBackToConjugateGradients() {
        for (double reg : new double[]{0.0, 0.05}) {
            EnsemblePrediction a = GaussianProcessEnsemble.builder(fx.thetaTrain, nngp.thetaTrain, fx.y).diagReg(reg)
                    .build().ntkGp(Double.POSITIVE_INFINITY, fx.thetaTestTrain, nngp.thetaTestTrain, nngp.thetaTestTest);
            EnsemblePrediction b = GaussianProcessEnsemble.builder(fx.thetaTrain, nngp.thetaTrain, fx.y).diagReg(reg)
                    .memoryBudget(TINY).build()
                    .ntkGp(Double.POSITIVE_INFINITY, fx.thetaTestTrain, nngp.thetaTestTrain, nngp.thetaTestTest);
            assertClose(a.mean(), b.mean(), 1e-5, "mean " + reg);
            assertClose(a.covariance(), b.covariance(), 1e-5, "covariance " + reg);
        }
    }
}
