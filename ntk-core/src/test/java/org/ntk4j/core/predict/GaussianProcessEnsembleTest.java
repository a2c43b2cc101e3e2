package org.ntk4j.core.predict;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;
import static org.ntk4j.core.testing.NtkAssertions.assertPsd;
import static org.ntk4j.core.testing.NtkAssertions.assertSymmetric;

/**
 * {@link GaussianProcessEnsemble} against the closed forms of Lee et al. (2019) computed with explicit inverses, against
 * the linear map extracted from {@link GradientDescentMse}, and for symmetry / positive semi-definiteness.
 */
class GaussianProcessEnsembleTest extends NtkTestBase {
    // NTK Θ and NNGP K from two different feature maps of the same 5 + 3 points, 2 outputs
    private final PredictFixtures ntk = new PredictFixtures(21, 5, 3, 2, 30);
    private final PredictFixtures nngp = new PredictFixtures(22, 5, 3, 2, 25);

    private GaussianProcessEnsemble ensemble(DataType type) {
        return GaussianProcessEnsemble.builder(ntk.thetaTrain.castTo(type), nngp.thetaTrain.castTo(type),
                ntk.y.castTo(type)).build();
    }

    private INDArray kJoint() {
        int m = 10, mt = 6;
        INDArray j = Nd4j.create(DataType.DOUBLE, m + mt, m + mt);
        j.put(new org.nd4j.linalg.indexing.INDArrayIndex[] {NDArrayIndex.interval(0, m), NDArrayIndex.interval(0, m)},
                nngp.thetaTrain);
        j.put(new org.nd4j.linalg.indexing.INDArrayIndex[] {NDArrayIndex.interval(m, m + mt), NDArrayIndex.interval(0, m)},
                nngp.thetaTestTrain);
        j.put(new org.nd4j.linalg.indexing.INDArrayIndex[] {NDArrayIndex.interval(0, m), NDArrayIndex.interval(m, m + mt)},
                nngp.thetaTestTrain.transpose());
        j.put(new org.nd4j.linalg.indexing.INDArrayIndex[] {NDArrayIndex.interval(m, m + mt),
                NDArrayIndex.interval(m, m + mt)}, nngp.thetaTestTest);
        return j;
    }

    @Test
    void meanAndCovarianceAreThoseOfTheLinearMapOfTheGaussianInitialisation() {
        double t = 2.5;
        EnsemblePrediction e = ensemble(DataType.DOUBLE).ntkGp(t, ntk.thetaTestTrain, nngp.thetaTestTrain,
                nngp.thetaTestTest);
        // f*(t) = f0* − A (f0 − y): extract A column by column from GradientDescentMse with f0 = e_j, f0* = 0
        int m = 10, mt = 6;
        INDArray mean = GradientDescentMse.builder(ntk.thetaTrain, ntk.y).build().atTime(t, ntk.thetaTestTrain, null)
                .test();
        INDArray a = Nd4j.create(DataType.DOUBLE, mt, m);
        for (int j = 0; j < m; j++) {
            INDArray f0 = Nd4j.zeros(DataType.DOUBLE, m);
            f0.putScalar(j, 1.0);
            INDArray out = GradientDescentMse.builder(ntk.thetaTrain, ntk.y).initialOutputs(f0.reshape('c', 5, 2))
                    .build().atTime(t, ntk.thetaTestTrain, null).test();
            a.putColumn(j, PredictFixtures.col(mean.sub(out)));
        }
        // [f*; ] = [−A, I] [f0; f0*] + A y : covariance [−A, I] K_joint [−A, I]ᵀ
        INDArray map = Nd4j.hstack(a.neg(), Nd4j.eye(mt).castTo(DataType.DOUBLE));
        INDArray cov = map.mmul(kJoint()).mmul(map.transpose());
        assertClose(mean, e.mean(), tol(DataType.DOUBLE).solve(), "mean");
        assertClose(cov, e.covariance(), tol(DataType.DOUBLE).solve(), "covariance");
        assertArrayEquals(new long[] {3, 2}, e.variance().shape());
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void covariancesAreSymmetricPsdAtAllTimes(DataType type) {
        GaussianProcessEnsemble ens = ensemble(type);
        for (double t : new double[] {0.0, 0.3, 10.0, Double.POSITIVE_INFINITY}) {
            EnsemblePrediction a = ens.ntkGp(t, ntk.thetaTestTrain.castTo(type), nngp.thetaTestTrain.castTo(type),
                    nngp.thetaTestTest.castTo(type));
            EnsemblePrediction b = ens.nngp(t, nngp.thetaTestTrain.castTo(type), nngp.thetaTestTest.castTo(type));
            for (EnsemblePrediction p : new EnsemblePrediction[] {a, b}) {
                assertSymmetric(p.covariance(), 0.0, "covariance at t = " + t);
                assertPsd(p.covariance(), type == DataType.FLOAT ? 1e-3 : 1e-9, "covariance at t = " + t);
            }
        }
        EnsemblePrediction z = ens.ntkGp(0.0, ntk.thetaTestTrain.castTo(type), nngp.thetaTestTrain.castTo(type),
                nngp.thetaTestTest.castTo(type));
        assertClose(nngp.thetaTestTest, z.covariance().castTo(DataType.DOUBLE), tol(type).exact(), "prior at t = 0");
        assertTrue(z.mean().norm2Number().doubleValue() == 0.0, "prior mean 0");
    }

    @Test
    void convergenceMatchesClosedForms() {
        GaussianProcessEnsemble ens = ensemble(DataType.DOUBLE);
        INDArray y = PredictFixtures.col(ntk.y);
        // NNGP posterior: K*X K⁻¹ y, K** − K*X K⁻¹ K_X*
        INDArray kInv = PredictFixtures.inverse(nngp.thetaTrain);
        EnsemblePrediction post = ens.nngp(Double.POSITIVE_INFINITY, nngp.thetaTestTrain, nngp.thetaTestTest);
        assertClose(nngp.thetaTestTrain.mmul(kInv).mmul(y).reshape('c', 3, 2), post.mean(), tol(DataType.DOUBLE).solve(), "NNGP mean");
        assertClose(nngp.thetaTestTest.sub(nngp.thetaTestTrain.mmul(kInv).mmul(nngp.thetaTestTrain.transpose())),
                post.covariance(), tol(DataType.DOUBLE).solve(), "NNGP covariance");
        // NTK-GP (Lee et al. eq. 16): Θ*X Θ⁻¹ y, K** + Θ*XΘ⁻¹ K Θ⁻¹Θ_X* − (Θ*XΘ⁻¹ K_X* + h.c.)
        INDArray a = ntk.thetaTestTrain.mmul(PredictFixtures.inverse(ntk.thetaTrain));
        INDArray cross = a.mmul(nngp.thetaTestTrain.transpose());
        INDArray cov = nngp.thetaTestTest.add(a.mmul(nngp.thetaTrain).mmul(a.transpose())).subi(cross)
                .subi(cross.transpose());
        EnsemblePrediction inf = ens.ntkGp(Double.POSITIVE_INFINITY, ntk.thetaTestTrain, nngp.thetaTestTrain,
                nngp.thetaTestTest);
        assertClose(a.mmul(y).reshape('c', 3, 2), inf.mean(), tol(DataType.DOUBLE).solve(), "NTK-GP mean");
        assertClose(cov, inf.covariance(), tol(DataType.DOUBLE).solve(), "NTK-GP covariance");
        // a long time approaches the limit
        assertClose(inf.mean(), ens.ntkGp(1e6, ntk.thetaTestTrain, nngp.thetaTestTrain, nngp.thetaTestTest).mean(),
                1e-6, "long time");
    }

    @Test
    void badInputs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GaussianProcessEnsemble.builder(ntk.thetaTrain, Nd4j.eye(3), ntk.y).build());
        assertTrue(e.getMessage().contains("NNGP training kernel must be the flat kernel [10, 10]"), e.getMessage());
        GaussianProcessEnsemble ens = ensemble(DataType.DOUBLE);
        e = assertThrows(IllegalArgumentException.class,
                () -> ens.ntkGp(1, ntk.thetaTestTrain, nngp.thetaTestTrain, Nd4j.eye(5).castTo(DataType.DOUBLE)));
        assertTrue(e.getMessage().contains("NNGP test-test kernel must be the flat kernel [6, 6]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ens.nngp(-2, nngp.thetaTestTrain, nngp.thetaTestTest));
        assertTrue(e.getMessage().contains("(got: -2.0)"), e.getMessage());
    }
}
