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

    /** d[f; f*]/dt = −(1/n) [Θ; Θ*X] (softmax(f) − y). */
    private INDArray[] derivative(INDArray f, INDArray y) {
        INDArray g = PredictFixtures.col(Transforms.softmax(f.dup(), true).sub(y));
        return new INDArray[] {p.thetaTrain.mmul(g).muli(-1.0 / 6).reshape('c', 6, 3),
                p.thetaTestTrain.mmul(g).muli(-1.0 / 6).reshape('c', 3, 3)};
    }

    @Test
    void softmaxCrossEntropyMatchesFineRungeKutta() {
        INDArray y = oneHot();
        double t = 4.0;
        int steps = 800;
        double h = t / steps;
        INDArray f = p.f0.dup();
        INDArray ft = p.f0Test.dup();
        for (int s = 0; s < steps; s++) {
            INDArray[] k1 = derivative(f, y);
            INDArray[] k2 = derivative(f.add(k1[0].mul(h / 2)), y);
            INDArray[] k3 = derivative(f.add(k2[0].mul(h / 2)), y);
            INDArray[] k4 = derivative(f.add(k3[0].mul(h)), y);
            for (int part = 0; part < 2; part++) {
                INDArray target = part == 0 ? f : ft;
                target.addi(k1[part].add(k2[part].mul(2)).addi(k3[part].mul(2)).addi(k4[part]).muli(h / 6));
            }
        }
        Prediction pr = FunctionSpaceOde.builder(p.thetaTrain, y).initialOutputs(p.f0)
                .loss(FunctionSpaceLoss.softmaxCrossEntropy()).build().atTime(t, p.thetaTestTrain, p.f0Test);
        assertClose(f, pr.train(), 1e-8, "train logits");
        assertClose(ft, pr.test(), 1e-8, "test logits");
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
