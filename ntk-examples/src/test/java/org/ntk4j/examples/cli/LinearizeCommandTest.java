package org.ntk4j.examples.cli;

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
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.linearized.LinearizedNetwork;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/** {@code ntk linearize} against the library, and its handling of bad input. */
class LinearizeCommandTest extends NtkTestBase {
    @TempDir
    Path dir;

    private MultiLayerNetwork net;
    private INDArray x;
    private INDArray y;
    private INDArray t;

    private Path setUp() throws Exception {
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(16).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(16).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        Path p = dir.resolve("init.zip");
        ModelSerializer.writeModel(net, p.toFile(), false);
        x = randn(DataType.DOUBLE, 1, 10, 3);
        y = randn(DataType.DOUBLE, 2, 10, 2);
        t = randn(DataType.DOUBLE, 3, 4, 3);
        Nd4j.writeAsNumpy(x, dir.resolve("X.npy").toFile());
        Nd4j.writeAsNumpy(y, dir.resolve("Y.npy").toFile());
        Nd4j.writeAsNumpy(t, dir.resolve("T.npy").toFile());
        return p;
    }

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
            String[] all = new String[args.length + 1];
            all[0] = "linearize";
            System.arraycopy(args, 0, all, 1, args.length);
            int code = org.ntk4j.examples.NtkCli.execute(all);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private String[] args(Path model, String... extra) {
        String[] base = {"--model", model.toString(), "--train-x", dir.resolve("X.npy").toString(),
                "--train-y", dir.resolve("Y.npy").toString(), "--test-x", dir.resolve("T.npy").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void iterativeSolverSaysSoAndEqualsTheDenseSolve() throws Exception {
        Path model = setUp();
        LinearizedNetwork dense = LinearizedNetwork.of(net).diagReg(0.01).build().fit(new DataSet(x, y));
        Path out = dir.resolve("pred-it.npy");
        Result r = run(args(model, "--diag-reg", "0.01", "--solver", "iterative", "--tolerance", "1e-10", "--out",
                out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("solved iteratively") && r.out().contains("relative residual"), r.out());
        assertClose(dense.output(t), Nd4j.createFromNpyFile(out.toFile()), 1e-8, "iterative = dense");
        Result j = run(args(model, "--diag-reg", "0.01", "--solver", "iterative", "--out", out.toString(), "--json"));
        assertTrue(j.out().contains("\"solver\":\"ITERATIVE\"") && j.out().contains("\"relative_residual\":"),
                j.out());
        Result steps = run(args(model, "--diag-reg", "0.01", "--solver", "iterative", "--steps", "5", "--out",
                out.toString()));
        assertTrue(steps.code() != 0 && steps.err().contains("outputs at convergence only"), steps.err());
        Result bad = run(args(model, "--solver", "cholesky", "--out", out.toString()));
        assertTrue(bad.code() != 0 && bad.err().contains("--solver must be auto, dense or iterative"), bad.err());
    }

    @Test
    void predictionsEqualTheLibrary() throws Exception {
        Path model = setUp();
        LinearizedNetwork lin = LinearizedNetwork.of(net).learningRate(0.05).build().fit(new DataSet(x, y));
        Path out = dir.resolve("pred.npy");
        Result r = run(args(model, "--lr", "0.05", "--steps", "30", "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("predictions [4, 2]"), r.out());
        assertClose(lin.output(t, 30), Nd4j.createFromNpyFile(out.toFile()), tol(DataType.DOUBLE).exact(), "after 30 steps");
        Path csv = dir.resolve("pred.csv");
        Result rt = run(args(model, "--lr", "0.05", "--time", "1.5", "--out", csv.toString(), "--json"));
        assertEquals(0, rt.code(), rt.err());
        assertTrue(rt.out().startsWith("{\"command\":\"linearize\",\"shape\":[4,2]"), rt.out());
        assertClose(lin.outputAtTime(t, 1.5), ArrayIO.read(csv), tol(DataType.DOUBLE).exact(), "time 1.5 via csv");
        Result rc = run(args(model, "--out", out.toString()));
        assertEquals(0, rc.code(), rc.err());
        assertClose(lin.output(t), Nd4j.createFromNpyFile(out.toFile()), tol(DataType.DOUBLE).exact(), "convergence");
        assertTrue(rc.out().contains("Sgd learning rate 0.1"), "default: the network's own Sgd rate: " + rc.out());
    }

    @Test
    void badInputIsOneLineAndNoFile() throws Exception {
        Path model = setUp();
        Nd4j.writeAsNumpy(randn(DataType.DOUBLE, 4, 10, 3), dir.resolve("Y3.npy").toFile());
        Path out = dir.resolve("bad.npy");
        Result r = run("--model", model.toString(), "--train-x", dir.resolve("X.npy").toString(), "--train-y",
                dir.resolve("Y3.npy").toString(), "--test-x", dir.resolve("T.npy").toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("expected labels [10, 2]"), r.err());
        assertFalse(Files.exists(out));
        Result both = run(args(model, "--steps", "3", "--time", "1", "--out", out.toString()));
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--steps or --time, not both"), both.err());
        Result missing = run(args(dir.resolve("nope.zip"), "--out", out.toString()));
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
        Nd4j.writeAsNumpy(randn(DataType.DOUBLE, 5, 4, 5), dir.resolve("T5.npy").toFile());
        Result shape = run("--model", model.toString(), "--train-x", dir.resolve("X.npy").toString(), "--train-y",
                dir.resolve("Y.npy").toString(), "--test-x", dir.resolve("T5.npy").toString(), "--out", out.toString());
        assertEquals(2, shape.code());
        assertTrue(shape.err().contains("expected features [n, 3]"), shape.err());
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }
}
