package org.ntk4j.dl4j.samediff;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.enums.WeightsFormat;
import org.ntk4j.dl4j.EmpiricalNtk;
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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A SameDiff graph and a DL4J MultiLayerNetwork with the same weights have the same NTK: against central finite
 * differences of {@code MultiLayerNetwork.output} w.r.t. every entry of {@code net.params()}, and against
 * {@link EmpiricalNtk} (an independent implementation on DL4J's own backward pass).
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

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void sameNtkAsEmpiricalNtkOfMlp(DataType type) {
        int[] dims = {4, 7, 5, 3};
        SameDiff sd = SameDiffGraphs.mlp(type, 94, SameDiffGraphs.Bias.BIAS_ADD, dims);
        MultiLayerNetwork net = mlnWithWeightsOf(sd, dims, type);
        INDArray x1 = randn(type, 95, 6, 4);
        INDArray x2 = randn(type, 96, 5, 4);
        for (OutputMode mode : OutputMode.values()) {
            INDArray expected = EmpiricalNtk.builder().outputMode(mode).build().compute(net, x1, x2);
            INDArray actual = SameDiffNtk.builder(sd, "input", "output").outputMode(mode).build().compute(x1, x2);
            NtkAssertions.assertClose(expected, actual, tol(type).exact(), "SameDiffNtk vs EmpiricalNtk " + mode + " " + type);
        }
    }

    /** conv2d (OIYX weights, DL4J's layout) -> tanh -> flatten -> dense, against a ConvolutionLayer network. */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void sameNtkAsEmpiricalNtkOfConvNet(DataType type) {
        INDArray kernel = randn(type, 97, 3, 2, 3, 3).divi(Math.sqrt(18));     // [oC, iC, kH, kW]
        INDArray kernelBias = randn(type, 98, 3).muli(0.1);
        INDArray w = randn(type, 99, 36, 2).divi(6);
        INDArray b = randn(type, 100, 2).muli(0.1);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("input", type, -1, 2, 6, 5);
        SDVariable c = sd.cnn.conv2d(x, sd.var("k", kernel.dup()), sd.var("kb", kernelBias.dup()),
                Conv2DConfig.builder().kH(3).kW(3).weightsFormat(WeightsFormat.OIYX).dataFormat("NCHW").build());
        SDVariable flat = sd.reshape(sd.math.tanh(c), -1, 36);
        sd.nn.biasAdd("output", flat.mmul(sd.var("w", w.dup())), sd.var("b", b.dup()), true);

        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(type).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(3).convolutionMode(ConvolutionMode.Truncate)
                        .activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.convolutional(6, 5, 2)).build());
        net.init();
        net.getLayer(0).setParam("W", kernel.dup());
        net.getLayer(0).setParam("b", kernelBias.reshape(1, 3).dup());
        net.getLayer(1).setParam("W", w.dup());
        net.getLayer(1).setParam("b", b.reshape(1, 2).dup());

        INDArray x1 = randn(type, 101, 4, 2, 6, 5);
        INDArray x2 = randn(type, 102, 3, 2, 6, 5);
        NtkAssertions.assertClose(net.output(x1), sd.output(java.util.Map.of("input", x1), "output").get("output"),
                tol(type).exact(), "same function");
        SameDiffNtk sdNtk = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
        assertEquals(java.util.List.of(), sdNtk.exactParameters());
        INDArray expected = EmpiricalNtk.builder().outputMode(OutputMode.FULL).build().compute(net, x1, x2);
        NtkAssertions.assertClose(expected, sdNtk.compute(x1, x2), tol(type).exact(), "conv SameDiffNtk vs EmpiricalNtk " + type);
    }

    static MultiLayerNetwork mlnWithWeightsOf(SameDiff sd, int[] dims) {
        return mlnWithWeightsOf(sd, dims, DataType.DOUBLE);
    }

    static MultiLayerNetwork mlnWithWeightsOf(SameDiff sd, int[] dims, DataType type) {
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().seed(1).dataType(type).list();
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
