package org.ntk4j.dl4j.samediff;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.OutputMode;

/**
 * A SameDiff MLP and a DL4J MultiLayerNetwork with the same weights have the same NTK; the reference is central finite
 * differences of {@code MultiLayerNetwork.output} w.r.t. every entry of {@code net.params()}.
 */
class SameDiffNtkVsMultiLayerNetworkTest extends NtkTestBase {

    @Test
    void sameNtkAsMultiLayerNetworkWithSameWeights() {
        int[] dims = {3, 6, 5, 2};
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 91, SameDiffGraphs.Bias.BIAS_ADD, dims);
        MultiLayerNetwork net = mlnWithWeightsOf(sd, dims);
        INDArray x1 = randn(DataType.DOUBLE, 92, 4, 3);
        INDArray x2 = randn(DataType.DOUBLE, 93, 3, 3);
        NtkAssertions.assertClose(net.output(x1), SameDiffGraphs.output(sd, "input", "output", x1),
                tol(DataType.DOUBLE).exact(), "same function");

        INDArray expected = KernelLayout.unflatten(
                fdJacobian(net, x1).mmul(fdJacobian(net, x2).transpose()), dims[dims.length - 1]);
        INDArray actual = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build()
                .compute(x1, x2);
        NtkAssertions.assertClose(expected, actual, tol(DataType.DOUBLE).finiteDiff(), "SameDiff NTK vs MLN FD");
    }

    static MultiLayerNetwork mlnWithWeightsOf(SameDiff sd, int[] dims) {
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list();
        for (int l = 1; l < dims.length; l++) {
            if (l < dims.length - 1) {
                lb.layer(new DenseLayer.Builder().nIn(dims[l - 1]).nOut(dims[l]).activation(Activation.TANH).build());
            } else {
                lb.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(dims[l - 1]).nOut(dims[l])
                        .activation(Activation.IDENTITY).build());
            }
        }
        MultiLayerConfiguration conf = lb.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int l = 1; l < dims.length; l++) {
            net.getLayer(l - 1).setParam("W", sd.getVariable("w" + l).getArr().dup());
            net.getLayer(l - 1).setParam("b", sd.getVariable("b" + l).getArr().reshape(1, dims[l]).dup());
        }
        return net;
    }

    /** {@code [n*o, P]} by central differences over {@code net.params()}, row {@code i*o + k}. */
    static INDArray fdJacobian(MultiLayerNetwork net, INDArray x) {
        INDArray params = net.params();
        long n = x.size(0);
        long o = net.output(x).size(1);
        INDArray j = Nd4j.create(DataType.DOUBLE, n * o, params.length());
        double h = 1e-5;
        for (long p = 0; p < params.length(); p++) {
            double v = params.getDouble(p);
            params.putScalar(p, v + h);
            INDArray plus = net.output(x).dup();
            params.putScalar(p, v - h);
            INDArray minus = net.output(x).dup();
            params.putScalar(p, v);
            j.getColumn(p).assign(plus.subi(minus).divi(2 * h).reshape(n * o));
        }
        return j;
    }
}
