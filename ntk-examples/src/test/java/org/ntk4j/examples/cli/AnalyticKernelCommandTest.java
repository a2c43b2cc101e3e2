package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.analytic.AnalyticKernels;
import org.ntk4j.examples.NtkCli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/** {@code ntk kernel --config}: the infinite-width kernels of a configuration JSON. */
class AnalyticKernelCommandTest extends NtkTestBase {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = NtkCli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path write(MultiLayerConfiguration conf) throws Exception {
        Path p = dir.resolve("conf.json");
        Files.writeString(p, conf.toJson());
        return p;
    }

    private static MultiLayerConfiguration conf(Activation output) {
        return new NeuralNetConfiguration.Builder().weightInit(WeightInit.RELU).biasInit(0.1).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(64).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(output == Activation.SOFTMAX ? LossFunctions.LossFunction.MCXENT
                        : LossFunctions.LossFunction.MSE).nIn(64).nOut(2).activation(output).build())
                .build();
    }

    @Test
    void configGivesTheLibraryKernels() throws Exception {
        MultiLayerConfiguration conf = conf(Activation.IDENTITY);
        Path json = write(conf);
        INDArray x1 = randn(DataType.DOUBLE, 1, 5, 3);
        INDArray x2 = randn(DataType.DOUBLE, 2, 4, 3);
        ArrayIO.write(x1, dir.resolve("a.npy"));
        ArrayIO.write(x2, dir.resolve("b.csv"));
        KernelPair expected = AnalyticKernels.of(conf).compute(x1, x2);
        for (String kind : new String[]{"ntk", "nngp"}) {
            Path out = dir.resolve(kind + ".npy");
            Result r = run("kernel", "--config", json.toString(), "--x1", dir.resolve("a.npy").toString(),
                    "--x2", dir.resolve("b.csv").toString(), "--kernel", kind, "--out", out.toString(), "--json");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("{\"command\":\"kernel\",\"source\":\"analytic\",\"kernel\":\"" + kind
                    + "\",\"shape\":[5,4]"), r.out());
            assertTrue(r.out().contains("\"pre_activation\":false"), r.out());
            assertClose(kind.equals("ntk") ? expected.ntk() : expected.nngp(), ArrayIO.read(out),
                    tol(DataType.DOUBLE).exact(), "CLI " + kind);
        }
    }

    @Test
    void convolutionalConfigTakesImages() throws Exception {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(4, 4, 2)).build();
        INDArray x = randn(DataType.DOUBLE, 4, 3, 2, 4, 4);
        ArrayIO.write(x, dir.resolve("img.npy"));
        Path out = dir.resolve("k.npy");
        Result r = run("kernel", "--config", write(conf).toString(), "--x1", dir.resolve("img.npy").toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertClose(AnalyticKernels.of(conf).compute(x).ntk(), ArrayIO.read(out), tol(DataType.DOUBLE).exact(), "CLI conv");
        assertTrue(r.out().contains("architecture: AnalyticKernel[ConvolutionalKernel[C=2"), r.out());
    }

    @Test
    void convolutionalConfigWithAnActivationWithoutClosedFormUsesTheErrorControlledRule() throws Exception {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(3, 3, 1)).build();
        INDArray x = randn(DataType.DOUBLE, 5, 3, 1, 3, 3);
        ArrayIO.write(x, dir.resolve("tanh.npy"));
        Path out = dir.resolve("kt.npy");
        Result r = run("kernel", "--config", write(conf).toString(), "--x1", dir.resolve("tanh.npy").toString(),
                "--kernel", "nngp", "--block-size", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        org.ntk4j.core.analytic.KernelPair expected = AnalyticKernels.of(conf).compute(x);
        assertTrue(expected.errorEstimate() > 0 && expected.errorEstimate() <= 1e-6, "estimate " + expected.errorEstimate());
        assertClose(expected.nngp(), ArrayIO.read(out), tol(DataType.DOUBLE).exact(), "CLI conv tanh");
        // an unreachable tolerance is refused with one line, no file written
        Path none = dir.resolve("none.npy");
        Result refused = run("kernel", "--config", write(conf).toString(), "--x1", dir.resolve("tanh.npy").toString(),
                "--tolerance", "1e-12", "--out", none.toString());
        assertTrue(refused.code() != 0 && refused.err().contains("exceeds the tolerance 1.0e-12"), refused.err());
        assertFalse(java.nio.file.Files.exists(none), "no partial file");
    }

    @Test
    void softmaxOutputIsReportedAsPreActivation() throws Exception {
        Path json = write(conf(Activation.SOFTMAX));
        ArrayIO.write(randn(DataType.DOUBLE, 3, 6, 3), dir.resolve("a.npy"));
        Result r = run("kernel", "--config", json.toString(), "--x1", dir.resolve("a.npy").toString(),
                "--out", dir.resolve("k.csv").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pre-activation") && r.out().contains("softmax"), r.out());
        assertTrue(r.out().contains("top eigenvalues: ["), r.out());
    }

    @Test
    void badConfigurationsAreOneLineErrorsAndNoFile() throws Exception {
        Path out = dir.resolve("k.npy");
        ArrayIO.write(randn(DataType.DOUBLE, 3, 6, 3), dir.resolve("a.npy"));
        String a = dir.resolve("a.npy").toString();

        MultiLayerConfiguration conv = new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(2, 2).nIn(1).nOut(2).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(5, 5, 1)).build();
        Result r = run("kernel", "--config", write(conv).toString(), "--x1", a, "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("layer 1 (SubsamplingLayer) uses MAX pooling") && r.err().contains("MonteCarloKernels"),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Path junk = dir.resolve("junk.json");
        Files.writeString(junk, "{\"not\": \"a configuration\"");
        r = run("kernel", "--config", junk.toString(), "--x1", a, "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is not a DL4J MultiLayerConfiguration JSON"), r.err());

        Path good = write(conf(Activation.IDENTITY));
        r = run("kernel", "--config", good.toString(), "--x1", a, "--kernel", "gp", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--kernel must be ntk or nngp (got: gp)"), r.err());

        r = run("kernel", "--config", good.toString(), "--model", "m.zip", "--x1", a, "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not both"), r.err());

        ArrayIO.write(randn(DataType.DOUBLE, 3, 6, 4), dir.resolve("wide.npy"));
        r = run("kernel", "--config", good.toString(), "--x1", dir.resolve("wide.npy").toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("[n, 3], got [6, 4]"), r.err());
        assertTrue(r.err().contains("--x1 expected shape"), "names the flag, as the empirical path does: " + r.err());
        assertFalse(Files.exists(out));

        r = run("kernel", "--config", good.toString(), "--x1", a, "--tolerance", "0", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--tolerance must be in [1e-12, 1) (got: 0.0)"), r.err());
        assertFalse(Files.exists(out));
    }
}
