package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ntk4j.core.testing.NtkTestBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;
import static org.ntk4j.core.testing.NtkAssertions.assertPsd;
import static org.ntk4j.core.testing.NtkAssertions.assertSymmetric;

/**
 * {@link LinearizedNetwork#predictiveCovariance} against an ensemble of real re-initialised networks, each linearized
 * and "trained" for the same time: the sample covariance of their test predictions.
 */
class PredictiveCovarianceTest extends NtkTestBase {
    private static final Logger LOG = LoggerFactory.getLogger(PredictiveCovarianceTest.class);

    @Test
    void matchesTheSpreadOfAnEnsembleOfNetworks() {
        DataSet train = Nets.data(DataType.DOUBLE, 1, 8, 3, 1);
        INDArray xTest = Nets.data(DataType.DOUBLE, 2, 4, 3, 1).getFeatures();
        int width = 256;
        MultiLayerNetwork net = Nets.mlp(DataType.DOUBLE, 100, 3, 1, 0.01, Activation.TANH, width);
        LinearizedNetwork lin = LinearizedNetwork.of(net).build().fit(train);
        double t = 20 * lin.learningRate();
        int members = 60;
        PriorKernel prior = PriorKernel.monteCarlo(net, 100, 5000);
        INDArray predicted = lin.predictiveCovariance(xTest, t, prior);
        assertSymmetric(predicted, 0.0, "covariance");
        assertPsd(predicted, 1e-9, "covariance");
        assertClose(prior.flat(xTest, xTest), lin.predictiveCovariance(xTest, 0.0, prior), tol(DataType.DOUBLE).solve(),
                "t = 0: the prior");
        INDArray outs = null;
        for (int s = 0; s < members; s++) {
            MultiLayerNetwork m = Nets.mlp(DataType.DOUBLE, 200 + s, 3, 1, 0.01, Activation.TANH, width);
            INDArray f = LinearizedNetwork.of(m).build().fit(train).outputAtTime(xTest, t).reshape(1, 4);
            outs = outs == null ? f : org.nd4j.linalg.factory.Nd4j.concat(0, outs, f);
        }
        INDArray centred = outs.subRowVector(outs.mean(0));
        INDArray sample = centred.transpose().mmul(centred).divi(members - 1);
        double err = sample.sub(predicted).norm2Number().doubleValue() / sample.norm2Number().doubleValue();
        double errPrior = sample.sub(prior.flat(xTest, xTest)).norm2Number().doubleValue()
                / sample.norm2Number().doubleValue();
        LOG.info("predictive covariance vs ensemble of {} networks: relative error {} (untrained prior: {})", members,
                err, errPrior);
        // sampling error of a covariance from 60 members is about √(2/60) = 0.18; measured 0.11 with 120
        assertTrue(err < 0.5, "relative error " + err);
        assertTrue(err < errPrior / 2, "the formula must explain the ensemble far better than the prior: " + err
                + " vs " + errPrior);
        // training shrinks the spread on the test points
        assertTrue(predicted.norm2Number().doubleValue() < prior.flat(xTest, xTest).norm2Number().doubleValue());
    }

    @Test
    void badInputs() {
        MultiLayerNetwork net = Nets.mlp(DataType.DOUBLE, 1, 3, 1, 0.01, Activation.TANH, 8);
        LinearizedNetwork lin = LinearizedNetwork.of(net).build().fit(Nets.data(DataType.DOUBLE, 1, 5, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> lin.predictiveCovariance(
                Nets.data(DataType.DOUBLE, 2, 2, 3, 1).getFeatures(), 1.0, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PriorKernel.monteCarlo(net, 1, 0));
        assertTrue(e.getMessage().contains("(got: 1)"), e.getMessage());
    }
}
