package org.ntk4j.core.predict;

import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.predict.PredictFixtures.col;
import static org.ntk4j.core.predict.PredictFixtures.commons;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * A FLOAT kernel shaped like an NTK (a large constant mode over a slowly decaying spectrum: condition number of
 * Θ + λI about 10⁵) is solved in double precision: {@link GradientDescentMse} and {@link GaussianProcessEnsemble} on
 * FLOAT inputs agree with Commons Math's double LU solve of the very same (float-rounded) matrices to float rounding
 * of the results, where a float32 factorization and product lose three digits (measured on the old code: 1e-3
 * relative on the training outputs). Results stay FLOAT.
 */
class FloatKernelPrecisionTest extends NtkTestBase {
    private static final int N = 300;
    private static final int NT = 40;
    private static final double LAMBDA = 1.0;

    private final INDArray all;      // [N + NT, N + NT], float-representable doubles
    private final INDArray y;
    private final INDArray f0;
    private final INDArray f0t;

    FloatKernelPrecisionTest() {
        INDArray j = NtkAssertions.gaussian(DataType.DOUBLE, 71, N + NT, 2 * N);
        INDArray scale = Nd4j.createFromArray(java.util.stream.IntStream.range(0, 2 * N)
                .mapToDouble(i -> 300.0 / (1 + i)).toArray()).reshape(1, 2 * N);
        INDArray js = j.mulRowVector(scale);
        INDArray k = js.mmul(js.transpose()).divi(2 * N).addi(2000.0);     // constant mode ≈ 2000 (N + NT)
        all = k.castTo(DataType.FLOAT).castTo(DataType.DOUBLE);
        y = NtkAssertions.gaussian(DataType.DOUBLE, 72, N, 1).castTo(DataType.FLOAT).castTo(DataType.DOUBLE);
        f0 = NtkAssertions.gaussian(DataType.DOUBLE, 73, N, 1).muli(0.3).castTo(DataType.FLOAT).castTo(DataType.DOUBLE);
        f0t = NtkAssertions.gaussian(DataType.DOUBLE, 74, NT, 1).muli(0.3).castTo(DataType.FLOAT)
                .castTo(DataType.DOUBLE);
    }

    private INDArray train() {
        return all.get(NDArrayIndex.interval(0, N), NDArrayIndex.interval(0, N)).dup();
    }

    private INDArray testTrain() {
        return all.get(NDArrayIndex.interval(N, N + NT), NDArrayIndex.interval(0, N)).dup();
    }

    /** α* = (Θ + λI)⁻¹ (f0 − y) by Commons Math LU in double. */
    private INDArray alphaReference() {
        RealMatrix a = commons(train());
        for (int i = 0; i < N; i++) {
            a.addToEntry(i, i, LAMBDA);
        }
        return PredictFixtures.nd(new LUDecomposition(a).getSolver().solve(commons(f0.sub(y))));
    }

    @Test
    void theConditionNumberIsNtkLike() {
        INDArray ev = org.ntk4j.core.linalg.SymmetricEigen.eigenvalues(train());
        double cond = (ev.getDouble(N - 1) + LAMBDA) / (ev.getDouble(0) + LAMBDA);
        assertTrue(cond > 1e4, "condition number " + cond);
    }

    @Test
    void atConvergenceOnAFloatKernelEqualsTheDoubleSolve() {
        INDArray alpha = alphaReference();
        INDArray trainRef = f0.sub(train().mmul(alpha));
        INDArray testRef = f0t.sub(testTrain().mmul(alpha));
        GradientDescentMse g = GradientDescentMse.builder(train().castTo(DataType.FLOAT), y.castTo(DataType.FLOAT))
                .initialOutputs(f0.castTo(DataType.FLOAT)).diagReg(LAMBDA).build();
        Prediction p = g.atConvergence(testTrain().castTo(DataType.FLOAT), f0t.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, p.train().dataType());
        assertEquals(DataType.FLOAT, p.test().dataType());
        assertClose(trainRef, p.train().castTo(DataType.DOUBLE), 2e-6, "train at convergence");
        assertClose(testRef, p.test().castTo(DataType.DOUBLE), 2e-6, "test at convergence");
        Prediction it = g.atConvergenceIterative(testTrain().castTo(DataType.FLOAT), f0t.castTo(DataType.FLOAT), 1e-10);
        assertClose(trainRef, it.train().castTo(DataType.DOUBLE), 2e-6, "train, conjugate gradients");
        assertClose(testRef, it.test().castTo(DataType.DOUBLE), 2e-6, "test, conjugate gradients");
    }

    @Test
    void atAFiniteTimeOnAFloatKernelEqualsTheDoubleEigendecomposition() {
        double t = 50.0;
        GradientDescentMse d = GradientDescentMse.builder(train(), y).initialOutputs(f0).diagReg(LAMBDA).build();
        GradientDescentMse f = GradientDescentMse.builder(train().castTo(DataType.FLOAT), y.castTo(DataType.FLOAT))
                .initialOutputs(f0.castTo(DataType.FLOAT)).diagReg(LAMBDA).build();
        Prediction a = d.atTime(t, testTrain(), f0t);
        Prediction b = f.atTime(t, testTrain().castTo(DataType.FLOAT), f0t.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, b.test().dataType());
        assertClose(a.train(), b.train().castTo(DataType.DOUBLE), 2e-6, "train at t");
        assertClose(a.test(), b.test().castTo(DataType.DOUBLE), 2e-6, "test at t");
    }

    @Test
    void theEnsembleMeanOnFloatKernelsEqualsTheDoubleSolve() {
        INDArray alpha = PredictFixtures.nd(new LUDecomposition(commons(train().addi(
                Nd4j.eye(N).muli(LAMBDA)))).getSolver().solve(commons(y)));
        INDArray meanRef = testTrain().mmul(alpha);
        INDArray kf = train().castTo(DataType.FLOAT);
        INDArray ktf = testTrain().castTo(DataType.FLOAT);
        INDArray ktt = all.get(NDArrayIndex.interval(N, N + NT), NDArrayIndex.interval(N, N + NT)).dup()
                .castTo(DataType.FLOAT);
        EnsemblePrediction e = GaussianProcessEnsemble.builder(kf, kf, y.castTo(DataType.FLOAT)).diagReg(LAMBDA)
                .build().nngp(Double.POSITIVE_INFINITY, ktf, ktt);
        assertEquals(DataType.FLOAT, e.mean().dataType());
        assertClose(col(meanRef), col(e.mean().castTo(DataType.DOUBLE)), 2e-6, "NNGP posterior mean");
    }
}
