package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.GoldenFiles;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.examples.NtkCli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line on every golden file numpy wrote (a kernel equal to that of the same values as a C-order float64
 * array, or one clean line and exit 2), on broken and random inputs and models (always a clean refusal, never a
 * kernel), on pipes, and with memory budgets (messages in the CLI's own flags).
 */
class CliArrayFilesTest extends NtkTestBase {
    @TempDir
    static Path dir;
    static Path model;
    static MultiLayerNetwork net;

    @BeforeAll
    static void saveModel() throws Exception {
        net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        model = dir.resolve("m.zip");
        ModelSerializer.writeModel(net, model.toFile(), false);
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
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

    static void assertCleanRefusal(Result r, Path out, String context) {
        assertEquals(2, r.code(), context + ": " + r.err() + r.out());
        assertEquals(1, r.err().strip().lines().count(), context + ": one line: " + r.err());
        assertTrue(r.err().startsWith("ntk kernel: error: ") || r.err().startsWith("ntk linearize: error: "),
                context + ": " + r.err());
        assertFalse(r.err().contains("Exception"), context + ": " + r.err());
        assertFalse(Files.exists(out), context + ": no output file");
        assertEquals("", r.out(), context + ": nothing on stdout");
    }

    @TestFactory
    Stream<DynamicTest> kernelOfEveryGoldenFileEqualsTheFloat64OneOrIsRefused() {
        return GoldenFiles.cases().stream().map(c -> DynamicTest.dynamicTest(c.location(), () -> {
            Path out = dir.resolve("k-" + c.fileName() + ".npy");
            Files.deleteIfExists(out);
            String x1 = GoldenFiles.dir().resolve(c.location()).toString();
            Result r = run("kernel", "--model", model.toString(), "--x1", x1, "--out", out.toString());
            if (c.ok() && c.shape().length == 2 && c.shape()[1] == 3 && c.shape()[0] > 0) {
                assertEquals(0, r.code(), c.location() + ": " + r.err());
                INDArray x = Nd4j.createFromArray(c.doubles()).reshape(c.shape());
                INDArray expected = EmpiricalNtk.builder().build().compute(net, x);
                assertEquals(expected, ArrayFiles.read(out), c.location());
            } else if (c.ok() && c.shape().length == 2 && c.shape()[0] == 0) {
                assertTrue(r.code() == 0 || r.code() == 2, c.location() + ": " + r.err());
            } else {
                assertCleanRefusal(r, out, c.location());
                assertTrue(r.err().contains("--x1 "), r.err());
                if (!c.ok()) {
                    assertTrue(r.err().contains(c.error()), c.location() + ": " + r.err());
                }
            }
        }));
    }

    @Test
    void truncatedFlippedAndRandomFeaturesAndModelsAreRefused() throws Exception {
        Random rnd = new Random(7);
        byte[] x = Files.readAllBytes(GoldenFiles.dir().resolve("x_c_le_f8.npy"));
        byte[] zip = Files.readAllBytes(model);
        Path out = dir.resolve("fuzz-out.npy");
        for (int trial = 0; trial < 40; trial++) {
            byte[] bad;
            switch (trial % 4) {
                case 0 -> bad = Arrays.copyOf(x, rnd.nextInt(x.length));
                case 1 -> {
                    bad = x.clone();
                    int at = 8 + rnd.nextInt(120);
                    bad[at] ^= (byte) (at % 2 == 0 ? 0x40 : 0x11);
                    if (Arrays.equals(bad, x) || ArrayFilesIsValid(bad)) {
                        continue;
                    }
                }
                case 2 -> {
                    bad = new byte[16 + rnd.nextInt(300)];
                    rnd.nextBytes(bad);
                }
                default -> {
                    bad = new byte[40];
                    rnd.nextBytes(bad);
                    bad[0] = 'P';
                    bad[1] = 'K';
                    bad[2] = 3;
                    bad[3] = 4;
                }
            }
            for (String ext : new String[]{".npy", ".npz", ".csv"}) {
                Path p = dir.resolve("fuzz" + ext);
                Files.write(p, bad);
                assertCleanRefusal(run("kernel", "--model", model.toString(), "--x1", p.toString(), "--out",
                        out.toString()), out, "features " + ext + " trial " + trial);
            }
        }
        Path x1 = GoldenFiles.dir().resolve("x_c_le_f8.npy");
        for (int trial = 0; trial < 45; trial++) {
            byte[] bad;
            switch (trial % 3) {
                case 0 -> bad = Arrays.copyOf(zip, rnd.nextInt(zip.length));
                case 1 -> {
                    bad = zip.clone();
                    int at = rnd.nextInt(bad.length);
                    bad[at] ^= (byte) (1 + rnd.nextInt(255));
                }
                default -> {
                    bad = new byte[16 + rnd.nextInt(2000)];
                    rnd.nextBytes(bad);
                }
            }
            Path p = dir.resolve("fuzz-model.zip");
            Files.write(p, bad);
            Result r = run("kernel", "--model", p.toString(), "--x1", x1.toString(), "--out", out.toString());
            if (r.code() == 0) {
                // a flip DL4J never reads (a timestamp, an unused header field): the same network, the same kernel
                assertEquals(EmpiricalNtk.builder().build().compute(net, ArrayFiles.read(x1)), ArrayFiles.read(out),
                        "model trial " + trial);
                Files.delete(out);
            } else {
                assertCleanRefusal(r, out, "model trial " + trial);
                assertTrue(r.err().contains("--model "), r.err());
            }
        }
    }

    private static boolean ArrayFilesIsValid(byte[] b) throws Exception {
        Path p = dir.resolve("probe.npy");
        Files.write(p, b);
        try {
            ArrayFiles.read(p);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void memoryBudgetMessagesNameTheCliFlags() {
        Path out = dir.resolve("mb.npy");
        String x1 = GoldenFiles.dir().resolve("x_c_le_f8.npy").toString();
        Result r = run("kernel", "--model", model.toString(), "--x1", x1, "--mode", "full", "--block-size", "4",
                "--memory-budget", "2k", "--out", out.toString());
        assertCleanRefusal(r, out, "kernel budget");
        for (String s : new String[]{"--mode trace", "--block-size (now 4)", "--x1", "--memory-budget"}) {
            assertTrue(r.err().contains(s), s + " in " + r.err());
        }
        for (String java : new String[]{"OutputMode", "memoryBudgetBytes", "blockSize"}) {
            assertFalse(r.err().contains(java), java + " in " + r.err());
        }
        r = run("kernel", "--model", model.toString(), "--x1", x1, "--memory-budget", "50", "--out", out.toString());
        assertCleanRefusal(r, out, "read budget");
        assertTrue(r.err().contains("reading " + x1 + " ([4, 3] float64, C order) needs about 96 B")
                && r.err().contains("--memory-budget"), r.err());
        Path conf = dir.resolve("budget-conf.json");
        try {
            Files.writeString(conf, net.getLayerWiseConfigurations().toJson());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        r = run("kernel", "--config", conf.toString(), "--x1", x1, "--memory-budget", "200", "--out", out.toString());
        assertCleanRefusal(r, out, "analytic budget");
        // with a .npy --out the analytic kernel goes out of core past the budget; its tile work is refused here
        assertTrue(r.err().contains("infinite-width NTK") && r.err().contains("--block-size (now 512)")
                && r.err().contains("--memory-budget"), r.err());
        r = run("kernel", "--model", model.toString(), "--x1", x1, "--memory-budget", "lots", "--out", out.toString());
        assertCleanRefusal(r, out, "bad size");
        assertTrue(r.err().contains("--memory-budget must be a size such as 8g"), r.err());
        r = run("kernel", "--model", model.toString(), "--x1", x1, "--memory-budget", "1.5g", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3L << 29, InputOptions.parseSize("1.5g"));
        assertEquals(512L << 20, InputOptions.parseSize("512MiB"));
    }

    @Test
    void parameterErrorsAreOneLine() {
        Result r = run("kernel", "--model", model.toString(), "--out", "k.npy");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--x1") && r.err().contains("ntk kernel --help"), r.err());
        r = run("kernal");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ntk: error: Unmatched argument") && r.err().contains("(see: ntk --help)"),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void csvHeaderFlagAndNpzEntries() throws Exception {
        Path csv = dir.resolve("numeric-names.csv");
        Files.writeString(csv, "0,1,2\n0.5,1,2\n-1,0.25,3\n");
        Path out = dir.resolve("h.npy");
        Result r = run("kernel", "--model", model.toString(), "--x1", csv.toString(), "--header", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new long[]{2, 2}, ArrayFiles.read(out).shape());
        Files.delete(out);
        r = run("kernel", "--model", model.toString(), "--x1", GoldenFiles.dir().resolve("two.npz:x").toString(),
                "--x2", GoldenFiles.dir().resolve("two.npz:y").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(new long[]{4, 4}, ArrayFiles.read(out).shape());
    }

    @Test
    void modelsConfigsAndFeaturesComeThroughProcessSubstitution() throws Exception {
        Path bash = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bash), "bash not available");
        Path x1 = GoldenFiles.dir().resolve("x_c_le_f8.npy"), x2 = GoldenFiles.dir().resolve("x.csv");
        Path out = dir.resolve("ps.npy");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path conf = dir.resolve("conf.json"), outConf = dir.resolve("ps-conf.npy");
        Files.writeString(conf, net.getLayerWiseConfigurations().toJson());
        String cli = "'" + java + "' -Xmx1g -cp \"$CP\" " + NtkCli.class.getName();
        String script = "set -e; " + cli + " kernel --model <(cat '" + model + "') --x1 <(cat '" + x1 + "') --x2 <(cat '"
                + x2 + "') --out '" + out + "'; " + cli + " kernel --config <(cat '" + conf + "') --x1 <(cat '" + x2
                + "') --out '" + outConf + "'";
        ProcessBuilder pb = new ProcessBuilder(bash.toString(), "-c", script).redirectErrorStream(true);
        pb.environment().put("CP", System.getProperty("java.class.path"));
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        assertEquals(0, p.exitValue(), log);
        INDArray a = ArrayFiles.read(x1), b = ArrayFiles.read(x2);
        assertEquals(EmpiricalNtk.builder().build().compute(net, a, b), ArrayFiles.read(out));
        assertEquals(AnalyticKernelRunner.compute(AnalyticKernelRunner.load(conf, null,
                org.ntk4j.core.analytic.FullyConnectedKernel.DEFAULT_TOLERANCE), b, null, "ntk"),
                ArrayFiles.read(outConf));
    }
}
