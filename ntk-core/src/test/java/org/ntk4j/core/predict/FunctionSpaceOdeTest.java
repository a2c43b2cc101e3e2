package org.ntk4j.core.predict;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/** {@link FunctionSpaceOde} for softmax cross-entropy against a hand-written fixed-step RK4 with tiny steps. */
class FunctionSpaceOdeTest extends NtkTestBase {
    private final PredictFixtures p = new PredictFixtures(31, 6, 3, 3, 40);

    private INDArray oneHot() {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 6, 3);
        for (int i = 0; i < 6; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        return y;
    }

    /** d[f; f*]/dt = −(1/n) [Θ; Θ*X] (softmax(f) − y), plain Java on the stacked state [f (18); f* (9)]. */
    private static double[] derivative(double[][] th, double[][] tht, double[] state, double[] y) {
        double[] g = new double[18];
        for (int i = 0; i < 6; i++) {
            double mx = Math.max(state[3 * i], Math.max(state[3 * i + 1], state[3 * i + 2]));
            double z = 0;
            for (int k = 0; k < 3; k++) {
                z += Math.exp(state[3 * i + k] - mx);
            }
            for (int k = 0; k < 3; k++) {
                g[3 * i + k] = Math.exp(state[3 * i + k] - mx) / z - y[3 * i + k];
            }
        }
        double[] d = new double[27];
        for (int r = 0; r < 27; r++) {
            double[] row = r < 18 ? th[r] : tht[r - 18];
            double acc = 0;
            for (int c = 0; c < 18; c++) {
                acc += row[c] * g[c];
            }
            d[r] = -acc / 6;
        }
        return d;
    }

    private static double[] axpy(double[] x, double a, double[] d) {
        double[] r = x.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] += a * d[i];
        }
        return r;
    }

    @Test
    void softmaxCrossEntropyMatchesFineRungeKutta() {
        INDArray y = oneHot();
        double t = 4.0;
        int steps = 4000;
        double h = t / steps;
        double[][] th = p.thetaTrain.toDoubleMatrix();
        double[][] tht = p.thetaTestTrain.toDoubleMatrix();
        double[] yv = PredictFixtures.col(y).toDoubleVector();
        double[] state = new double[27];
        System.arraycopy(PredictFixtures.col(p.f0).toDoubleVector(), 0, state, 0, 18);
        System.arraycopy(PredictFixtures.col(p.f0Test).toDoubleVector(), 0, state, 18, 9);
        for (int s = 0; s < steps; s++) {
            double[] k1 = derivative(th, tht, state, yv);
            double[] k2 = derivative(th, tht, axpy(state, h / 2, k1), yv);
            double[] k3 = derivative(th, tht, axpy(state, h / 2, k2), yv);
            double[] k4 = derivative(th, tht, axpy(state, h, k3), yv);
            for (int i = 0; i < 27; i++) {
                state[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            }
        }
        INDArray f = Nd4j.createFromArray(java.util.Arrays.copyOf(state, 18)).reshape('c', 6, 3);
        INDArray ft = Nd4j.createFromArray(java.util.Arrays.copyOfRange(state, 18, 27)).reshape('c', 3, 3);
        Prediction pr = FunctionSpaceOde.builder(p.thetaTrain, y).initialOutputs(p.f0)
                .loss(FunctionSpaceLoss.softmaxCrossEntropy()).build().atTime(t, p.thetaTestTrain, p.f0Test);
        assertClose(f, pr.train(), tol(DataType.DOUBLE).solve(), "train logits");
        assertClose(ft, pr.test(), tol(DataType.DOUBLE).solve(), "test logits");
        // training moved the logits toward the labels: the loss dropped
        double before = crossEntropy(p.f0, y);
        double after = crossEntropy(pr.train(), y);
        assertTrue(after < before, before + " -> " + after);
    }

    private static double crossEntropy(INDArray logits, INDArray y) {
        return -Transforms.log(Transforms.softmax(logits.dup(), true)).mul(y).sumNumber().doubleValue();
    }

    @Test
    void timeZeroAndFloat() {
        FunctionSpaceOde ode = FunctionSpaceOde.builder(p.thetaTrain.castTo(DataType.FLOAT), oneHot())
                .initialOutputs(p.f0).loss(FunctionSpaceLoss.softmaxCrossEntropy()).build();
        Prediction z = ode.atTime(0.0, p.thetaTestTrain, p.f0Test);
        assertEquals(DataType.FLOAT, z.train().dataType());
        assertClose(p.f0Test, z.test().castTo(DataType.DOUBLE), tol(DataType.FLOAT).exact(), "t = 0");
        Prediction d = FunctionSpaceOde.builder(p.thetaTrain, oneHot()).initialOutputs(p.f0)
                .loss(FunctionSpaceLoss.softmaxCrossEntropy()).build().atTime(2.0, p.thetaTestTrain, p.f0Test);
        assertClose(d.test(), ode.atTime(2.0, p.thetaTestTrain, p.f0Test).test().castTo(DataType.DOUBLE),
                tol(DataType.FLOAT).crossType(), "FLOAT kernel vs DOUBLE");
    }

    @Test
    void badInputs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FunctionSpaceOde.builder(p.thetaTrain, oneHot()).tolerances(2, 1e-9));
        assertTrue(e.getMessage().contains("(got: rel = 2.0"), e.getMessage());
        FunctionSpaceOde ode = FunctionSpaceOde.builder(p.thetaTrain, oneHot()).build();
        e = assertThrows(IllegalArgumentException.class, () -> ode.atTime(Double.POSITIVE_INFINITY, null, null));
        assertTrue(e.getMessage().contains("finite time"), e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> FunctionSpaceOde
                .builder(p.thetaTrain, oneHot()).loss((f, y) -> f.getColumn(0)).build().atTime(1, null, null));
        assertTrue(s.getMessage().contains("loss gradient must be [6, 3]"), s.getMessage());
    }
}
