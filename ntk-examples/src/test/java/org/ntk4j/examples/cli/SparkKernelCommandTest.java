package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.analytic.AnalyticKernels;
import org.ntk4j.examples.NtkCli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/** {@code ntk kernel ... --spark local[2]}: Spark in this JVM, the result against the single-machine kernels. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SparkKernelCommandTest extends NtkTestBase {
    @TempDir
    Path dir;

    private static MultiLayerConfiguration conf() {
        return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(8).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
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
    void empiricalAndAnalyticKernelsOnSparkEqualTheSingleMachineOnes() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(conf());
        net.init();
        Path model = dir.resolve("m.zip");
        ModelSerializer.writeModel(net, model.toFile(), false);
        INDArray x = randn(DataType.DOUBLE, 1, 13, 3);
        ArrayIO.write(x, dir.resolve("x.npy"));
        Path out = dir.resolve("k.npy");
        Result r = run("kernel", "--model", model.toString(), "--x1", dir.resolve("x.npy").toString(),
                "--block-size", "4", "--spark", "local[2]", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        // 4 block rows: 10 upper tiles; default tiles per task: ceil(10 / (4 · 2 cores)) = 2, so 5 tasks
        assertTrue(r.out().contains("\"spark_tasks\":5,\"spark_task_attempts\":5,\"spark_failed_attempts\":0,"
                + "\"tiles\":10,\"reused_tiles\":0"), r.out());
        assertClose(EmpiricalNtk.builder().build().compute(net, x), ArrayIO.read(out), Tolerances.DOUBLE.exact(),
                "--spark kernel vs single machine");

        Files.writeString(dir.resolve("conf.json"), conf().toJson());
        Path outA = dir.resolve("a.npy");
        Path tiles = dir.resolve("tiles");
        Result a = run("kernel", "--config", dir.resolve("conf.json").toString(), "--kernel", "nngp", "--x1",
                dir.resolve("x.npy").toString(), "--block-size", "5", "--spark", "local[2]", "--spark-dir",
                tiles.toString(), "--tiles-per-task", "1", "--out", outA.toString());
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("6 tiles of 5 examples in 6 tasks"), a.out());
        assertClose(AnalyticKernels.of(conf()).compute(x).nngp(), ArrayIO.read(outA), Tolerances.DOUBLE.exact(),
                "--spark analytic NNGP vs single machine");
        assertTrue(Files.exists(tiles.resolve("job.json")), "the given tile directory is kept");
    }

    @Test
    void kernelOverTheDriverBudgetIsWrittenOutOfCore() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(conf());
        net.init();
        Path model = dir.resolve("m.zip");
        ModelSerializer.writeModel(net, model.toFile(), false);
        INDArray x = randn(DataType.DOUBLE, 2, 17, 3);
        ArrayIO.write(x, dir.resolve("x.npy"));
        Path out = dir.resolve("k.npy");
        // the kernel is 17 · 17 · 8 = 2312 bytes, over a budget of 2000; a tile of 4 on the driver is 384
        Result r = run("kernel", "--model", model.toString(), "--x1", dir.resolve("x.npy").toString(),
                "--block-size", "4", "--memory-budget", "2000", "--out-type", "double", "--spark", "local[2]",
                "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"shape\":[17,17],\"data_type\":\"DOUBLE\"") && r.out().contains(
                "\"tiles\":15,\"reused_tiles\":0,\"tile_size\":4,\"out_of_core\":true,\"tiles_resumed\":0"), r.out());
        assertTrue(r.err().contains("tile by tile"), r.err());
        assertClose(EmpiricalNtk.builder().build().compute(net, x), ArrayIO.read(out), Tolerances.DOUBLE.exact(),
                "--spark kernel written out of core vs single machine");
        assertFalse(Files.exists(dir.resolve("k.npy.partial")), "completed");
    }

    @Test
    void badSparkFlagsGetOneLine() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(conf());
        net.init();
        Path model = dir.resolve("m.zip");
        ModelSerializer.writeModel(net, model.toFile(), false);
        ArrayIO.write(randn(DataType.DOUBLE, 1, 4, 3), dir.resolve("x.npy"));
        Result r = run("kernel", "--model", model.toString(), "--x1", dir.resolve("x.npy").toString(),
                "--spark", "local[2]", "--tiles-per-task", "0", "--out", dir.resolve("k.npy").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--tiles-per-task must be >= 1 (got: 0)"), r.err());
        Result rep = run("kernel", "--model", model.toString(), "--x1", dir.resolve("x.npy").toString(),
                "--spark", "local[2]", "--repeat", "3", "--out", dir.resolve("k.npy").toString());
        assertEquals(2, rep.code());
        assertTrue(rep.err().contains("--repeat"), rep.err());
        assertFalse(Files.exists(dir.resolve("k.npy")), "nothing written");
    }
}
