package org.ntk4j.dl4j.analytic;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;
import static org.ntk4j.core.testing.NtkAssertions.relativeError;

/**
 * The analytic kernels against real DL4J networks: Monte-Carlo means over k initialisations (per-network kernel:
 * ntk4j's EmpiricalNtk, the default) approach the analytic kernel as the width grows. The per-network kernels are first
 * checked against finite differences and against each other.
 */
class MonteCarloKernelsTest extends NtkTestBase {

    static MultiLayerConfiguration conf(int width, IActivation act, WeightInit init, double bias, int outputs,
                                        DataType type) {
        return new NeuralNetConfiguration.Builder().dataType(type).weightInit(init).biasInit(bias).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(width).activation(act).build())
                .layer(new DenseLayer.Builder().nIn(width).nOut(width).activation(act).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(width).nOut(outputs)
                        .activation(Activation.IDENTITY).build())
                .build();
    }

    @Test
    void builtInNtkEqualsFiniteDifferences() {
        MultiLayerConfiguration c = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER).biasInit(0.3).seed(3).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(5).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(c);
        net.init();
        INDArray x1 = randn(DataType.DOUBLE, 1, 4, 3);
        INDArray x2 = randn(DataType.DOUBLE, 2, 3, 3);
        INDArray[] j1 = jacobian(net, x1);
        INDArray[] j2 = jacobian(net, x2);
        INDArray expected = Nd4j.zeros(DataType.DOUBLE, 4, 3);
        for (int k = 0; k < 2; k++) {
            expected.addi(j1[k].mmul(j2[k].transpose()));
        }
        expected.divi(2);
        assertClose(expected, NetworkKernel.preActivationNtk().compute(net, x1, x2),
                tol(DataType.DOUBLE).finiteDiff(), "pre-activation NTK vs central differences");
        // the engine of ntk4j (EmpiricalNtk) agrees with the separate backpropagation on an identity output
        assertClose(NetworkKernel.preActivationNtk().compute(net, x1, x2), NetworkKernel.empiricalNtk().compute(net, x1, x2),
                tol(DataType.DOUBLE).exact(), "EmpiricalNtk vs pre-activation NTK");
        INDArray out1 = net.output(x1).sub(0.3);
        INDArray out2 = net.output(x2).sub(0.3);
        assertClose(out1.mmul(out2.transpose()).div(2), NetworkKernel.preActivationNngp().compute(net, x1, x2),
                tol(DataType.DOUBLE).exact(), "NNGP sample = centred output products");
    }

    /** J[k] = d out_k / d params, [n, P], by central differences (h = 1e-6) on a copy of the parameters. */
    private static INDArray[] jacobian(MultiLayerNetwork net, INDArray x) {
        INDArray params = net.params();
        long p = params.length();
        int o = (int) net.output(x).size(1);
        INDArray[] j = new INDArray[o];
        for (int k = 0; k < o; k++) {
            j[k] = Nd4j.zeros(DataType.DOUBLE, x.size(0), p);
        }
        double h = 1e-6;
        for (long i = 0; i < p; i++) {
            double v = params.getDouble(i);
            params.putScalar(i, v + h);
            INDArray plus = net.output(x).dup();
            params.putScalar(i, v - h);
            INDArray minus = net.output(x).dup();
            params.putScalar(i, v);
            INDArray d = plus.sub(minus).divi(2 * h);
            for (int k = 0; k < o; k++) {
                j[k].getColumn(i).assign(d.getColumn(k));
            }
        }
        return j;
    }

    @Test
    void ntkMonteCarloMeanConvergesToTheAnalyticNtk() {
        INDArray x = randn(DataType.DOUBLE, 3, 6, 4);
        Object[][] cases = {
                {Activation.RELU.getActivationFunction(), WeightInit.RELU, 0.0},
                {Activation.TANH.getActivationFunction(), WeightInit.XAVIER, 0.1},
                {new ActivationErf(), WeightInit.NORMAL, 0.2},
                // error-controlled rule at kinks (issue 10): SELU with its own init, hard-tanh past its corners
                {Activation.SELU.getActivationFunction(), WeightInit.NORMAL, 0.0},
                {Activation.HARDTANH.getActivationFunction(), WeightInit.RELU, 0.0}};
        for (Object[] c : cases) {
            double[] err = new double[3];
            int[] widths = {64, 256, 1024};
            for (int i = 0; i < widths.length; i++) {
                MultiLayerConfiguration conf = conf(widths[i], (IActivation) c[0], (WeightInit) c[1], (double) c[2], 2,
                        DataType.DOUBLE);
                KernelPair limit = AnalyticKernels.of(conf).compute(x);
                MonteCarloResult mc = MonteCarloKernels.builder(conf).samples(16).seed(11).build().compute(x);
                err[i] = relativeError(mc.ntkMean(), limit.ntk());
            }
            String what = c[0] + "/" + c[1] + "/bias " + c[2] + ": relative errors " + java.util.Arrays.toString(err);
            // 1/sqrt(width) predicts a factor 4 from 64 to 1024; require at least 2.5 and a monotone decrease
            assertTrue(err[1] < err[0] && err[2] < err[1], what);
            assertTrue(err[2] < err[0] / 2.5, what);
            assertTrue(err[2] < 0.03, what);
        }
    }

    @Test
    void nngpMonteCarloMeanMatchesTheAnalyticNngpWithinItsStandardError() {
        // the NNGP sample of one network fluctuates O(1) whatever the width: average over many output units instead
        INDArray x = randn(DataType.DOUBLE, 4, 6, 4);
        Object[][] cases = {
                {Activation.RELU.getActivationFunction(), WeightInit.RELU, 0.0},
                {Activation.TANH.getActivationFunction(), WeightInit.XAVIER, 0.3}};
        for (Object[] c : cases) {
            MultiLayerConfiguration conf = conf(256, (IActivation) c[0], (WeightInit) c[1], (double) c[2], 128,
                    DataType.DOUBLE);
            KernelPair limit = AnalyticKernels.of(conf).compute(x);
            MonteCarloResult mc = MonteCarloKernels.builder(conf).samples(16).seed(5)
                    .ntk(NetworkKernel.preActivationNngp()).build().compute(x);
            double err = relativeError(mc.nngpMean(), limit.nngp());
            double stdErr = mc.nngpStd().norm2Number().doubleValue() / Math.sqrt(mc.samples())
                    / limit.nngp().norm2Number().doubleValue();
            String what = c[0] + ": relative error " + err + ", relative standard error " + stdErr;
            assertTrue(err < 4 * stdErr, what);
            assertTrue(err < 0.05, what);
        }
    }

    @Test
    void floatNetworksAndCrossKernels() {
        INDArray x1 = randn(DataType.FLOAT, 6, 5, 4);
        INDArray x2 = randn(DataType.FLOAT, 7, 3, 4);
        double[] err = new double[2];
        int[] widths = {64, 1024};
        for (int i = 0; i < 2; i++) {
            MultiLayerConfiguration conf = conf(widths[i], Activation.RELU.getActivationFunction(), WeightInit.RELU, 0.1,
                    2, DataType.FLOAT);
            KernelPair limit = AnalyticKernels.of(conf).compute(x1, x2);
            MonteCarloResult mc = MonteCarloKernels.builder(conf).samples(16).seed(2).build().compute(x1, x2);
            assertEquals(DataType.FLOAT, limit.ntk().dataType());
            assertEquals(DataType.FLOAT, mc.ntkMean().dataType());
            assertArrayEquals(new long[]{5, 3}, mc.ntkMean().shape());
            err[i] = relativeError(mc.ntkMean(), limit.ntk());
        }
        assertTrue(err[1] < err[0] / 2.5 && err[1] < 0.03, java.util.Arrays.toString(err));
    }

    @Test
    void monteCarloRefusesBadInput() {
        MultiLayerConfiguration conf = conf(8, Activation.TANH.getActivationFunction(), WeightInit.XAVIER, 0, 1,
                DataType.DOUBLE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MonteCarloKernels.builder(conf).samples(0).build());
        assertTrue(e.getMessage().contains("(got: 0)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MonteCarloKernels.builder(conf).build().compute(randn(DataType.DOUBLE, 1, 2, 3)));
        assertTrue(e.getMessage().contains("expected features [n, 4], got [2, 3]"), e.getMessage());
    }
}
