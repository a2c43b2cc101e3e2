package org.ntk4j.examples.demo;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.OutputMode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's NTK-parameterized DL4J networks: their empirical NTK converges to the analytic NTK-parameterization
 * kernel of ntk-core (an independent implementation: closed-form ReLU recursions, no network), and {@link ScaledRelu}
 * is the function and derivative it claims.
 */
class NtkMlpTest extends NtkTestBase {
    private static final double[] GAMMAS = {0.0, 0.4, 1.3, 2.5, -2.0};

    /** Mean over seeds of the empirical NTK on a few circle points, relative Frobenius error to the limit. */
    private static double monteCarloError(int width, int seeds) {
        INDArray x = Circle.points(GAMMAS);
        INDArray limit = NtkMlp.analytic().compute(x).ntk();
        EmpiricalNtk ntk = EmpiricalNtk.builder().outputMode(OutputMode.TRACE).build();
        INDArray sum = Nd4j.zeros(DataType.DOUBLE, GAMMAS.length, GAMMAS.length);
        for (int s = 0; s < seeds; s++) {
            sum.addi(ntk.compute(NtkMlp.create(width, 1000 + s, 1.0), NtkMlp.scaleInputs(x)));
        }
        sum.divi(seeds);
        return sum.sub(limit).norm2Number().doubleValue() / limit.norm2Number().doubleValue();
    }

    @Test
    void empiricalNtkConvergesToTheAnalyticNtkParameterizationKernel() {
        double narrow = monteCarloError(32, 6);
        double wide = monteCarloError(512, 6);
        // the mean over 6 networks of width 512: Monte-Carlo error ~ 1/sqrt(6·512) times a depth constant
        assertTrue(wide < 0.06, "width 512: relative error " + wide);
        assertTrue(wide < narrow, "error must shrink with the width: " + narrow + " -> " + wide);
    }

    @Test
    void analyticKernelAtTheDiagonalIsTheClosedForm() {
        // σ_w² = 1, ReLU, no bias, |x| = 1, n0 = 2: K1 = Θ1 = 1/2; K_{l+1} = K_l/2, Θ_{l+1} = K_{l+1} + Θ_l/2 -> Θ4 = 1/4
        double theta = NtkMlp.analytic().compute(Circle.points(0.7)).ntk().getDouble(0, 0);
        assertEquals(0.25, theta, 1e-12);
    }

    @Test
    void scaledReluMatchesItsDefinitionAndFiniteDifferences() {
        ScaledRelu a = new ScaledRelu(0.3);
        INDArray z = Nd4j.createFromArray(new double[][]{{-1.5, -0.2, 0.4, 2.0}});
        INDArray h = a.getActivation(z.dup(), false);
        INDArray eps = Nd4j.createFromArray(new double[][]{{0.7, -1.1, 0.9, 1.3}});
        INDArray grad = a.backprop(z.dup(), eps.dup()).getFirst();
        double step = 1e-6;
        for (int i = 0; i < 4; i++) {
            double zi = z.getDouble(0, i);
            assertEquals(0.3 * Math.max(zi, 0), h.getDouble(0, i), 1e-15);
            double fd = (0.3 * Math.max(zi + step, 0) - 0.3 * Math.max(zi - step, 0)) / (2 * step);
            assertEquals(fd * eps.getDouble(0, i), grad.getDouble(0, i), 1e-8);
        }
        assertThrows(IllegalArgumentException.class, () -> new ScaledRelu(0.0));
    }

    @Test
    void initialisationIsReproducibleFromTheSeed() {
        // every parameter is a SplittableRandom(seed) Gaussian, in DL4J's flat parameter order
        INDArray p = NtkMlp.create(8, 42, 1.0).params();
        java.util.SplittableRandom r = new java.util.SplittableRandom(42);
        for (int i = 0; i < 20; i++) {
            assertEquals(r.nextGaussian(), p.getDouble(i), 0.0);
        }
        assertEquals(2 * 8 + 8 * 8 + 8 * 8 + 8, p.length());
        assertEquals(0.0, NtkMlp.create(8, 42, 1.0).params().sub(p).norm2Number().doubleValue(), 0.0);
    }

    @Test
    void configurationSurvivesJson() {
        MultiLayerNetwork net = NtkMlp.create(8, 1, 0.5);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        MultiLayerNetwork twin = new MultiLayerNetwork(back);
        twin.init(net.params().dup(), false);
        INDArray x = NtkMlp.scaleInputs(Circle.points(GAMMAS));
        assertEquals(0.0, net.output(x).sub(twin.output(x)).norm2Number().doubleValue(), 1e-14);
    }
}
