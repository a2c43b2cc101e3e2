package org.ntk4j.examples;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.examples.cli.ArrayIO;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

class NtkCliTest extends NtkTestBase {
    @TempDir
    Path dir;

    private Path saveModel() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(6).nOut(2).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        Path p = dir.resolve("m.zip");
        ModelSerializer.writeModel(net, p.toFile(), false);
        return p;
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
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

    @Test
    void kernelCommandWritesTheKernelOfTheSavedModel() throws Exception {
        Path model = saveModel();
        INDArray x1 = randn(DataType.DOUBLE, 1, 5, 3), x2 = randn(DataType.DOUBLE, 2, 4, 3);
        ArrayIO.write(x1, dir.resolve("a.npy"));
        ArrayIO.write(x2, dir.resolve("b.csv"));
        Path out = dir.resolve("k.npy");
        Result r = run("kernel", "--model", model.toString(), "--x1", dir.resolve("a.npy").toString(),
                "--x2", dir.resolve("b.csv").toString(), "--mode", "full", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"command\":\"kernel\",\"shape\":[5,4,2,2]"), r.out());
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
        INDArray expected = EmpiricalNtk.builder().outputMode(OutputMode.FULL).build().compute(net, x1, x2);
        assertClose(expected, ArrayIO.read(out), Tolerances.DOUBLE.exact(), "CLI kernel");

        Result sym = run("kernel", "--model", model.toString(), "--x1", dir.resolve("a.npy").toString(),
                "--out", dir.resolve("k.csv").toString(), "--repeat", "2");
        assertEquals(0, sym.code(), sym.err());
        assertTrue(sym.out().contains("top eigenvalues: [") && sym.out().contains("median"), sym.out());
    }

    @Test
    void badInputIsOneLineNonZeroExitAndNoFile() throws Exception {
        Path model = saveModel();
        ArrayIO.write(Nd4j.zeros(DataType.DOUBLE, 3, 4), dir.resolve("wide.npy"));
        Path out = dir.resolve("k.npy");
        Result r = run("kernel", "--model", model.toString(), "--x1", dir.resolve("wide.npy").toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("expected features [n, 3], got [n, 4]"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(out));

        Result missing = run("kernel", "--model", dir.resolve("nope.zip").toString(), "--x1", "a.npy", "--out", out.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());

        Result mode = run("kernel", "--model", model.toString(), "--x1", dir.resolve("wide.npy").toString(),
                "--mode", "diagonal", "--out", out.toString());
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("(got: diagonal)"), mode.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void demoRefusesBadSizesWithOneLineNamingTheFlag() {
        // the demo's run itself is checked file by file in demo.CircleDemoSmokeTest
        Path out = dir.resolve("demo");
        Result r = run("demo", "--steps", "0", "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--steps must be >= 1 (got: 0)"), r.err());
        Result w = run("demo", "--kernel-widths", "8", "--out", out.toString());
        assertEquals(2, w.code(), w.err());
        assertTrue(w.err().contains("--kernel-widths must hold two widths"), w.err());
        assertFalse(Files.exists(out), "nothing may be written for bad input");
    }
}
