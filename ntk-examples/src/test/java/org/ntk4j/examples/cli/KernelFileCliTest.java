package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
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
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.analytic.AnalyticKernels;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ntk linearize --kernel K.npy} against the dense solve of {@code ntk linearize --solver dense} (the reference:
 * Cholesky on the in-memory kernel), at and off the training points, with the kernel computed into the file by the
 * command itself; a kernel file of other features or shape is refused. {@code ntk kernel --config} over the budget
 * writes the analytic kernel tile by tile, equal to the library's in-memory kernel.
 */
class KernelFileCliTest extends NtkTestBase {
    @TempDir
    Path dir;

    private Path model(long seed) throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.DOUBLE).updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(12).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(12).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        Path p = dir.resolve("m" + seed + ".zip");
        ModelSerializer.writeModel(net, p.toFile(), false);
        return p;
    }

    @Test
    void linearizeFromAKernelFileMatchesTheDenseSolve() throws Exception {
        Path m = model(4);
        Path x = dir.resolve("x.npy"), y = dir.resolve("y.npy"), t = dir.resolve("t.npy"), k = dir.resolve("k.npy");
        ArrayFiles.write(randn(DataType.DOUBLE, 1, 70, 3), x);
        ArrayFiles.write(randn(DataType.DOUBLE, 2, 70, 1), y);
        ArrayFiles.write(randn(DataType.DOUBLE, 3, 9, 3), t);
        for (Path test : new Path[]{x, t}) {
            Path dense = dir.resolve("dense.npy"), cg = dir.resolve("cg.npy");
            CliArrayFilesTest.Result r = CliArrayFilesTest.run("linearize", "--model", m.toString(), "--train-x",
                    x.toString(), "--train-y", y.toString(), "--test-x", test.toString(), "--diag-reg", "0.1",
                    "--solver", "dense", "--out", dense.toString());
            assertEquals(0, r.code(), r.err());
            r = CliArrayFilesTest.run("linearize", "--model", m.toString(), "--train-x", x.toString(), "--train-y",
                    y.toString(), "--test-x", test.toString(), "--diag-reg", "0.1", "--kernel", k.toString(),
                    "--tolerance", "1e-10", "--preconditioner-rank", "16", "--json", "--out", cg.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("\"solver\":\"ITERATIVE\""), r.out());
            // rank cap 16 of 70 examples, ν far above 2 at the first block: the cap ends the growth
            assertTrue(r.out().contains("\"preconditioner_stop\":\"rank cap\""), r.out());
            assertTrue(r.out().contains("\"preconditioner_rank_cap\":16,"), r.out());
            assertEquals(test == x, r.err().contains("computing the training kernel into it"), r.err());
            INDArray a = ArrayFiles.read(dense), b = ArrayFiles.read(cg);
            double diff = a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            // the file is float32 (the dense path solves the DOUBLE kernel): its rounding bounds the difference
            assertTrue(diff < 1e-4 * Math.max(1, a.amaxNumber().doubleValue()), "diff " + diff);
            if (test == x) {
                assertTrue(r.out().contains("\"ridge_identity_error\":") && !r.out().contains(
                        "\"ridge_identity_error\":null"), r.out());
            }
        }
        // the default rank cap is the largest that fits the budget (all 70 here); the dual coefficients written with
        // --coefficients-out satisfy the ridge identity y - f = -diagReg·alpha at the training points
        Path pred = dir.resolve("pred.npy"), coef = dir.resolve("alpha.npy");
        CliArrayFilesTest.Result rc = CliArrayFilesTest.run("linearize", "--model", m.toString(), "--train-x",
                x.toString(), "--train-y", y.toString(), "--test-x", x.toString(), "--diag-reg", "0.1", "--kernel",
                k.toString(), "--tolerance", "1e-10", "--json", "--coefficients-out", coef.toString(), "--out",
                pred.toString());
        assertEquals(0, rc.code(), rc.err());
        assertTrue(rc.out().contains("\"preconditioner_rank_cap\":70,"), rc.out());
        INDArray alpha = ArrayFiles.read(coef);
        assertEquals(DataType.DOUBLE, alpha.dataType());
        assertEquals(java.util.List.of(70L, 1L), java.util.List.of(alpha.size(0), alpha.size(1)));
        INDArray yy = ArrayFiles.read(y).castTo(DataType.DOUBLE), ff = ArrayFiles.read(pred).castTo(DataType.DOUBLE);
        double identity = yy.sub(ff).addi(alpha.mul(0.1)).amaxNumber().doubleValue();
        assertTrue(identity < 1e-5 * Math.max(1, yy.amaxNumber().doubleValue()), "ridge identity " + identity);
        Path never = dir.resolve("never-coef.npy");
        CliArrayFilesTest.Result rn = CliArrayFilesTest.run("linearize", "--model", m.toString(), "--train-x",
                x.toString(), "--train-y", y.toString(), "--test-x", x.toString(), "--diag-reg", "0.1",
                "--coefficients-out", never.toString(), "--out", dir.resolve("never-pred.npy").toString());
        CliArrayFilesTest.assertCleanRefusal(rn, dir.resolve("never-pred.npy"), "coefficients without --kernel");
        assertTrue(rn.err().contains("--coefficients-out needs --kernel"), rn.err());
        assertTrue(!Files.exists(never));
        // the kernel of other features in the --kernel position: refused, and the file is kept
        Path x2 = dir.resolve("x2.npy"), out = dir.resolve("never.npy");
        ArrayFiles.write(randn(DataType.DOUBLE, 7, 70, 3), x2);
        long size = Files.size(k);
        CliArrayFilesTest.Result r = CliArrayFilesTest.run("linearize", "--model", m.toString(), "--train-x",
                x2.toString(), "--train-y", y.toString(), "--test-x", x2.toString(), "--diag-reg", "0.01",
                "--kernel", k.toString(), "--out", out.toString());
        CliArrayFilesTest.assertCleanRefusal(r, out, "foreign kernel");
        assertTrue(r.err().contains("is not the NTK of --model on --train-x"), r.err());
        assertEquals(size, Files.size(k));
        // another number of examples
        Path x3 = dir.resolve("x3.npy"), y3 = dir.resolve("y3.npy");
        ArrayFiles.write(randn(DataType.DOUBLE, 8, 50, 3), x3);
        ArrayFiles.write(randn(DataType.DOUBLE, 9, 50, 1), y3);
        r = CliArrayFilesTest.run("linearize", "--model", m.toString(), "--train-x", x3.toString(), "--train-y",
                y3.toString(), "--test-x", x3.toString(), "--diag-reg", "0.01", "--kernel", k.toString(), "--out",
                out.toString());
        CliArrayFilesTest.assertCleanRefusal(r, out, "wrong shape");
        assertTrue(r.err().contains("holds [70, 70] but 50 training examples"), r.err());
        r = CliArrayFilesTest.run("linearize", "--model", m.toString(), "--train-x", x.toString(), "--train-y",
                y.toString(), "--test-x", x.toString(), "--steps", "10", "--kernel", k.toString(), "--out",
                out.toString());
        CliArrayFilesTest.assertCleanRefusal(r, out, "finite steps");
        assertTrue(r.err().contains("--kernel predicts at convergence only"), r.err());
        r = CliArrayFilesTest.run("linearize", "--model", m.toString(), "--train-x", x.toString(), "--train-y",
                y.toString(), "--test-x", x.toString(), "--diag-reg", "0.1", "--kernel", k.toString(),
                "--adaptive-stop", "-1", "--out", out.toString());
        CliArrayFilesTest.assertCleanRefusal(r, out, "negative adaptive stop");
        assertTrue(r.err().contains("--adaptive-stop must be finite and >= 0 (got: -1.0)"), r.err());
    }

    @Test
    void anAnalyticKernelOverTheBudgetIsWrittenTileByTile() throws Exception {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(8).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        Path json = dir.resolve("c.json"), x = dir.resolve("x.npy"), out = dir.resolve("k.npy");
        Files.writeString(json, conf.toJson());
        INDArray xs = randn(DataType.DOUBLE, 5, 90, 3);
        ArrayFiles.write(xs, x);
        INDArray expected = AnalyticKernels.of(conf).withTileSize(16).compute(xs).ntk();
        CliArrayFilesTest.Result r = CliArrayFilesTest.run("kernel", "--config", json.toString(), "--x1",
                x.toString(), "--block-size", "16", "--memory-budget", "40k", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("infinite-width NTK needs about") && r.err().contains("tile by tile"), r.err());
        assertTrue(r.out().contains("21 tiles computed, 0 resumed"), r.out());
        INDArray k = ArrayFiles.read(out);
        assertEquals(DataType.FLOAT, k.dataType());
        double diff = expected.sub(k.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-6 * expected.amaxNumber().doubleValue(), "diff " + diff);
        assertTrue(40 * 1024 < 2L * 8 * 90 * 90, "the in-memory kernel is over the budget");
    }
}
