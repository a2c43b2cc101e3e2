package org.ntk4j.dl4j.analytic;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.deeplearning4j.nn.weights.WeightInitVarScalingNormalFanAvg;
import org.deeplearning4j.nn.weights.WeightInitVarScalingNormalFanIn;
import org.deeplearning4j.nn.weights.WeightInitVarScalingUniformFanOut;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.analytic.DenseLayerSpec;
import org.ntk4j.core.analytic.FullyConnectedKernel;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.analytic.Nonlinearities;
import org.ntk4j.core.analytic.Parameterization;
import org.ntk4j.core.testing.NtkTestBase;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/** Reading DL4J configurations: widths, inits, activations, bias init; unsupported configurations. */
class AnalyticKernelsTest extends NtkTestBase {

    private static MultiLayerConfiguration threeLayers() {
        return new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(64).activation(Activation.RELU)
                        .weightInit(WeightInit.RELU).biasInit(0.1).build())
                .layer(new DenseLayer.Builder().nIn(64).nOut(32).activation(Activation.TANH)
                        .weightInit(WeightInit.XAVIER).biasInit(-0.2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(32).nOut(3)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.NORMAL).biasInit(0.3).build())
                .build();
    }

    @Test
    void configurationMapsToTheHandBuiltStack() {
        AnalyticKernel k = AnalyticKernels.of(threeLayers());
        assertEquals(3, k.layers().size());
        assertEquals(2.0, k.layers().get(0).weightVariance(), 1e-15);
        assertEquals(2.0 * 64 / (64 + 32), k.layers().get(1).weightVariance(), 1e-15);
        assertEquals(1.0, k.layers().get(2).weightVariance(), 1e-15);
        assertEquals(0.1, k.layers().get(0).biasMean());
        assertEquals(-0.2, k.layers().get(1).biasMean());
        assertEquals(0.3, k.outputMean());
        assertTrue(k.isPreActivation());
        assertEquals("softmax", k.outputActivation());
        assertEquals(3, k.outputs());
        assertEquals(4, k.inputDim());

        FullyConnectedKernel hand = FullyConnectedKernel.builder(4)
                .layer(DenseLayerSpec.builder(64).weightVariance(2.0).biasMean(0.1).activation(Nonlinearities.relu()).build())
                .layer(DenseLayerSpec.builder(32).weightVariance(2.0 * 64 / 96).biasMean(-0.2)
                        .activation(Nonlinearities.tanh()).build())
                .layer(DenseLayerSpec.builder(3).weightVariance(1.0).biasMean(0.3).build())
                .build();
        INDArray x1 = randn(DataType.DOUBLE, 1, 5, 4);
        INDArray x2 = randn(DataType.DOUBLE, 2, 3, 4);
        KernelPair a = k.compute(x1, x2);
        KernelPair b = hand.compute(x1, x2);
        // DL4J's tanh op (ND4J, DOUBLE) against java.lang.Math.tanh: rounding differences only
        assertClose(b.ntk(), a.ntk(), tol(DataType.DOUBLE).exact(), "ntk");
        assertClose(b.nngp(), a.nngp(), tol(DataType.DOUBLE).exact(), "nngp");

        FullyConnectedKernel handNtk = FullyConnectedKernel.builder(4).parameterization(Parameterization.NTK)
                .layer(hand.layers().get(0)).layer(hand.layers().get(1)).layer(hand.layers().get(2)).build();
        assertClose(handNtk.compute(x1, x2).ntk(), k.withParameterization(Parameterization.NTK).compute(x1, x2).ntk(),
                tol(DataType.DOUBLE).exact(), "ntk parameterization");
    }

    @Test
    void identityOutputIsNotPreActivationAndJsonRoundTripKeepsTheKernel() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(20).activation(new ActivationErf()).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(20).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        AnalyticKernel k = AnalyticKernels.of(conf);
        assertFalse(k.isPreActivation());
        assertEquals("identity", k.outputActivation());
        assertEquals("erf", k.layers().get(0).activation().name());
        assertTrue(k.layers().get(0).activation().closedForm().isPresent(), "erf maps to the closed form");
        AnalyticKernel back = AnalyticKernels.of(MultiLayerConfiguration.fromJson(conf.toJson()));
        INDArray x = randn(DataType.DOUBLE, 3, 6, 3);
        assertClose(k.compute(x).ntk(), back.compute(x).ntk(), 0.0, "json round trip");
    }

    @Test
    void activationAndDropoutLayersCompose() {
        MultiLayerConfiguration split = new NeuralNetConfiguration.Builder().weightInit(WeightInit.NORMAL).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(16).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.SIGMOID).build())
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(16).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerConfiguration fused = new NeuralNetConfiguration.Builder().weightInit(WeightInit.NORMAL).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(16).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(16).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        INDArray x = randn(DataType.DOUBLE, 4, 5, 3);
        assertClose(AnalyticKernels.of(fused).compute(x).ntk(), AnalyticKernels.of(split).compute(x).ntk(),
                tol(DataType.DOUBLE).exact(), "ActivationLayer + DropoutLayer == fused activation");
    }

    @Test
    void weightInitVariancesMatchWhatDl4jDraws() {
        // the variance table of WeightInitVariances against the sample variance of real DL4J initialisations
        int fanIn = 300;
        int fanOut = 200;
        Map<String, IWeightInit> inits = new LinkedHashMap<>();
        for (WeightInit w : new WeightInit[]{WeightInit.NORMAL, WeightInit.LECUN_NORMAL, WeightInit.XAVIER_FAN_IN,
                WeightInit.RELU, WeightInit.XAVIER, WeightInit.XAVIER_LEGACY, WeightInit.XAVIER_UNIFORM,
                WeightInit.UNIFORM, WeightInit.LECUN_UNIFORM, WeightInit.RELU_UNIFORM, WeightInit.SIGMOID_UNIFORM,
                WeightInit.VAR_SCALING_NORMAL_FAN_IN, WeightInit.VAR_SCALING_NORMAL_FAN_OUT,
                WeightInit.VAR_SCALING_NORMAL_FAN_AVG, WeightInit.VAR_SCALING_UNIFORM_FAN_IN,
                WeightInit.VAR_SCALING_UNIFORM_FAN_OUT, WeightInit.VAR_SCALING_UNIFORM_FAN_AVG}) {
            inits.put(w.name(), w.getWeightInitFunction());
        }
        inits.put("VarScalingNormalFanIn(3)", new WeightInitVarScalingNormalFanIn(3.0));
        inits.put("VarScalingNormalFanAvg(0.5)", new WeightInitVarScalingNormalFanAvg(0.5));
        inits.put("VarScalingUniformFanOut(2)", new WeightInitVarScalingUniformFanOut(2.0));
        inits.put("Normal(0, 0.3)", new WeightInitDistribution(new NormalDistribution(0, 0.3)));
        inits.put("Uniform(-0.2, 0.2)", new WeightInitDistribution(new UniformDistribution(-0.2, 0.2)));
        for (Map.Entry<String, IWeightInit> e : inits.entrySet()) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(7).list()
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(fanIn).nOut(fanOut)
                            .activation(Activation.IDENTITY).weightInit(e.getValue()).build())
                    .build();
            double predicted = AnalyticKernels.of(conf).layers().get(0).weightVariance() / fanIn;
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            INDArray w = net.getLayer(0).getParam("W");
            double mean = w.meanNumber().doubleValue();
            double var = w.varNumber().doubleValue();
            // 60 000 draws: the sample variance is within 1.5% (about 3 standard errors for a normal)
            assertEquals(predicted, var, 0.015 * predicted, e.getKey() + " variance");
            assertEquals(0.0, mean, 4 * Math.sqrt(predicted / w.length()), e.getKey() + " mean");
        }
    }

    @Test
    void unsupportedConfigurationsGiveClearErrors() {
        assertMessage(new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(2, 2).nIn(1).nOut(2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(1).activation(Activation.IDENTITY).build()).build(),
                "layer 1 (OutputLayer)", "flattening preprocessor");
        assertMessage(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.SOFTMAX).build())
                .layer(out4()).build(), "layer 0 (DenseLayer)", "softmax");
        assertMessage(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).weightInit(WeightInit.ZERO).build())
                .layer(out4()).build(), "layer 0 (DenseLayer)", "WeightInitConstant");
        assertMessage(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(1).activation(Activation.IDENTITY)
                        .weightInit(new NormalDistribution(1.0, 0.1)).build()).build(), "layer 1 (OutputLayer)", "mean");
        assertMessage(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(new BatchNormalization.Builder().nIn(4).nOut(4).build())
                .layer(out4()).build(), "layer 1 (BatchNormalization)", "DenseLayer");
        assertMessage(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).hasLayerNorm(true).build())
                .layer(out4()).build(), "layer 0 (DenseLayer)", "layer normalisation");
        AnalyticKernel ok = AnalyticKernels.of(threeLayers());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ok.compute(randn(DataType.DOUBLE, 1, 2, 5)));
        assertTrue(e.getMessage().contains("[n, 4], got [2, 5]"), e.getMessage());
    }

    private static OutputLayer out4() {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(1).activation(Activation.IDENTITY)
                .build();
    }

    private static void assertMessage(MultiLayerConfiguration conf, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AnalyticKernels.of(conf));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should contain '" + p + "': " + e.getMessage());
        }
    }
}
