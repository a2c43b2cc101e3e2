package org.ntk4j.examples.docs;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.analytic.Parameterization;
import org.ntk4j.core.predict.EnsemblePrediction;
import org.ntk4j.core.predict.GaussianProcessEnsemble;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.analytic.AnalyticKernel;
import org.ntk4j.dl4j.analytic.AnalyticKernels;
import org.ntk4j.dl4j.arbiter.SweepResult;
import org.ntk4j.dl4j.arbiter.WidthSweep;
import org.ntk4j.dl4j.linearized.LinearizedNetwork;
import org.ntk4j.dl4j.listener.NtkListener;
import org.ntk4j.dl4j.listener.NtkSinks;
import org.ntk4j.dl4j.listener.NtkSnapshot;
import org.ntk4j.dl4j.samediff.SameDiffNtk;
import org.ntk4j.examples.NtkCli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every Java snippet of {@code README.md} and {@code docs/user-guide.md}: each is the code between
 * {@code // snippet:NAME} and {@code // end} below, and {@link DocSnippetsMatchTest} checks that the Markdown holds
 * exactly that code. Variables a snippet uses but does not declare ({@code net}, {@code x1}, {@code out}, ...) are
 * set up before it, as the surrounding text of the documentation describes them.
 */
class DocSnippetsTest extends NtkTestBase {
    @TempDir
    Path out;

    /** A small DL4J regression MLP, 2 inputs, 1 output, in DOUBLE. */
    static MultiLayerConfiguration conf() {
        return new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE).updater(new Sgd(0.1))
                .weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(64).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(64).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(64).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
    }

    static MultiLayerNetwork net() {
        MultiLayerNetwork net = new MultiLayerNetwork(conf());
        net.init();
        return net;
    }

    static DataSet data(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.DOUBLE, n, 2).subi(0.5).muli(2);
        INDArray y = x.getColumn(0).mul(x.getColumn(1)).reshape(n, 1);
        return new DataSet(x, y);
    }

    /** Runs {@code r} with System.out captured; returns what it printed. */
    static String captured(ThrowingRunnable r) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void readmeListener() throws Exception {
        MultiLayerNetwork net = net();
        DataSetIterator train = new ListDataSetIterator<>(data(64, 1).asList(), 16);
        String printed = captured(() -> {
            // snippet:readme-listener
            // net: an existing MultiLayerNetwork; train: its DataSetIterator; out: a folder
            INDArray probe = train.next().getFeatures();          // a few inputs to watch the kernel on
            train.reset();
            NtkListener ntk = NtkListener.builder(probe)
                    .everyNIterations(4)                          // one NTK snapshot every 4 iterations
                    .sink(NtkSinks.csv(out.resolve("ntk.csv")))   // one CSV row per snapshot
                    .build();
            net.addListeners(ntk);                                // nothing else changes in your training code
            net.fit(train, 5);
            ntk.close();

            NtkSnapshot last = ntk.latest().orElseThrow();
            System.out.println(NtkSinks.format(last));            // drift, trace, λmax, effective rank, ...
            System.out.printf("the NTK moved %.1f %% since initialisation%n", 100 * last.drift());
            ntk.writeReport(out.resolve("ntk-report"));           // drift.png, spectrum.png, eigenvalues.png
            // end
        });
        assertTrue(printed.contains("since initialisation"), printed);
        assertTrue(Files.size(out.resolve("ntk.csv")) > 0);
        assertTrue(Files.isRegularFile(out.resolve("ntk-report").resolve("drift.png")));
    }

    @Test
    void empirical() {
        MultiLayerNetwork net = net();
        INDArray x1 = Nd4j.rand(DataType.DOUBLE, 5, 2);
        INDArray x2 = Nd4j.rand(DataType.DOUBLE, 3, 2);
        // snippet:empirical
        EmpiricalNtk ntk = EmpiricalNtk.builder()
                .implementation(NtkImplementation.AUTO)   // STRUCTURED | JACOBIAN | AUTO
                .outputMode(OutputMode.TRACE)             // TRACE: [n1, n2], mean over outputs; FULL: [n1, n2, o, o]
                .blockSize(512)                           // examples per tile; bounds memory
                .build();
        INDArray k12 = ntk.compute(net, x1, x2);          // [5, 3]
        INDArray k11 = ntk.compute(net, x1);              // [5, 5], symmetric PSD
        String rules = ntk.describe(net);                 // which rule computes each layer
        // end
        assertArrayEquals(new long[]{5, 3}, k12.shape());
        assertEquals(0.0, k11.sub(k11.transpose()).norm2Number().doubleValue(), 1e-12);
        assertTrue(!rules.isBlank());
    }

    @Test
    void analytic() {
        MultiLayerConfiguration conf = conf();
        INDArray x1 = Nd4j.rand(DataType.DOUBLE, 5, 2);
        INDArray x2 = Nd4j.rand(DataType.DOUBLE, 3, 2);
        // snippet:analytic
        AnalyticKernel inf = AnalyticKernels.of(conf);    // the limit of networks built from this configuration
        KernelPair kp = inf.compute(x1, x2);
        INDArray nngp = kp.nngp();                        // [5, 3]: covariance of the outputs at initialisation
        INDArray ntk = kp.ntk();                          // [5, 3]: the limit of the TRACE empirical NTK
        // the same architecture in the NTK parameterization of Jacot et al. (a width-independent kernel)
        INDArray ntkParam = inf.withParameterization(Parameterization.NTK).compute(x1, x2).ntk();
        // end
        assertArrayEquals(new long[]{5, 3}, nngp.shape());
        assertArrayEquals(new long[]{5, 3}, ntk.shape());
        assertArrayEquals(new long[]{5, 3}, ntkParam.shape());
        // standard-parameterization NTK of width 64 is much larger than the width-free one
        assertTrue(ntk.sumNumber().doubleValue() > 10 * ntkParam.sumNumber().doubleValue());
    }

    @Test
    void listener() throws Exception {
        MultiLayerNetwork net = net();
        DataSet train = data(32, 2);
        INDArray probeX = train.getFeatures().getRows(0, 1, 2, 3, 4, 5, 6, 7);
        INDArray probeY = train.getLabels().getRows(0, 1, 2, 3, 4, 5, 6, 7);
        // snippet:listener
        NtkListener listener = NtkListener.builder(probeX)
                .probeLabels(probeY)                      // enables the kernel-target alignment
                .everyNIterations(10)
                .sink(NtkSinks.jsonLines(out.resolve("ntk.jsonl")))
                .build();
        net.addListeners(listener);
        for (int i = 0; i < 50; i++) {
            net.fit(train);                               // full batch: one iteration per call
        }
        listener.close();
        List<NtkSnapshot> history = listener.history();   // iterations 0, 10, ..., 50
        double drift = history.get(history.size() - 1).drift();
        double alignment = history.get(history.size() - 1).alignment();
        listener.writeReport(out.resolve("report"));      // PNG plots and snapshots.csv
        // end
        assertEquals(6, history.size());
        assertTrue(drift > 0 && Double.isFinite(alignment));
        assertTrue(Files.isRegularFile(out.resolve("report").resolve("alignment.png")));
    }

    @Test
    void linearized() {
        MultiLayerNetwork net = net();
        DataSet train = data(16, 3);
        INDArray xTest = Nd4j.rand(DataType.DOUBLE, 10, 2);
        // snippet:linearized
        LinearizedNetwork lin = LinearizedNetwork.of(net)     // freezes θ0 (a copy: net may keep training)
                .learningRate(0.1)                            // the same meaning as DL4J's Sgd(0.1)
                .build()
                .fit(train);                                  // closed form, no SGD
        INDArray afterSteps = lin.output(xTest, 200);         // what 200 full-batch Sgd(0.1) steps produce
        INDArray converged = lin.output(xTest);               // t = ∞
        double etaMax = lin.maxStableLearningRate();          // above this, full-batch SGD diverges
        // end
        assertArrayEquals(new long[]{10, 1}, afterSteps.shape());
        assertArrayEquals(new long[]{10, 1}, converged.shape());
        assertTrue(etaMax > 0);
    }

    @Test
    void gpEnsemble() {
        MultiLayerConfiguration conf = conf();
        DataSet train = data(8, 4);
        INDArray xTest = Nd4j.rand(DataType.DOUBLE, 6, 2);
        // snippet:gp-ensemble
        AnalyticKernel k = AnalyticKernels.of(conf);
        INDArray x = train.getFeatures(), y = train.getLabels();
        KernelPair kTrain = k.compute(x), kCross = k.compute(xTest, x), kTest = k.compute(xTest);
        GaussianProcessEnsemble gp = GaussianProcessEnsemble.builder(kTrain.ntk(), kTrain.nngp(), y).build();
        double t = 0.1 * 200;                                 // 200 steps of Sgd(0.1): t = η·steps
        EnsemblePrediction p = gp.ntkGp(t, kCross.ntk(), kCross.nngp(), kTest.nngp());
        INDArray mean = p.mean();                             // [6, 1]: mean over infinitely many initialisations
        INDArray variance = p.variance();                     // [6]: spread of the trained networks
        // end
        assertArrayEquals(new long[]{6, 1}, mean.shape());
        assertEquals(6, variance.length());
        assertTrue(variance.minNumber().doubleValue() >= 0);
    }

    @Test
    void samediff() {
        INDArray x1 = Nd4j.rand(DataType.DOUBLE, 5, 3);
        INDArray x2 = Nd4j.rand(DataType.DOUBLE, 4, 3);
        // snippet:samediff
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("input", DataType.DOUBLE, -1, 3);
        SDVariable w1 = sd.var("w1", Nd4j.randn(DataType.DOUBLE, 3, 32).divi(Math.sqrt(3)));
        SDVariable b1 = sd.var("b1", Nd4j.zeros(DataType.DOUBLE, 32));
        SDVariable h = sd.math.tanh(sd.nn.biasAdd(in.mmul(w1), b1, true));
        SDVariable w2 = sd.var("w2", Nd4j.randn(DataType.DOUBLE, 32, 2).divi(Math.sqrt(32)));
        h.mmul("output", w2);

        INDArray k = SameDiffNtk.of(sd, "input", "output").compute(x1, x2);   // [5, 4], TRACE
        // end
        assertArrayEquals(new long[]{5, 4}, k.shape());
    }

    /** A DOUBLE ReLU MLP of the given width, 2 inputs, 1 output (MSE). */
    static MultiLayerConfiguration myConfiguration(int w) {
        return new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.DOUBLE).weightInit(WeightInit.RELU)
                .list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(w).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(w).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
    }

    @Test
    void sweep() throws Exception {
        DataSet train = data(8, 5), test = data(16, 6);
        String printed = captured(() -> {
            // snippet:sweep
            SweepResult sweep = WidthSweep.builder()
                    .configuration(w -> myConfiguration(w), 16, 64, 256)   // one network per width and seed
                    .data(train, test)
                    .steps(50).learningRateScaledByWidth(0.02, 16)        // Sgd(0.02 · 16 / width), 50 full-batch steps
                    .seeds(2)
                    .build()
                    .run();
            System.out.print(sweep.table());                  // width, seed, drift, gap, test loss, λmin, λmax, seconds
            double slope = sweep.driftSlope().slope();        // drift ∝ width^slope (with .low(), .high())
            sweep.write(out.resolve("sweep"));                // results.csv, drift-vs-width.png, gap-vs-width.png
            // end
            assertEquals(6, sweep.rows().size());
            // the drift of a wider network is smaller (lazy training): a negative slope
            assertTrue(slope < 0, "drift slope " + slope);
        });
        assertTrue(printed.contains("width"), printed);
        INDArray rows = org.ntk4j.core.io.ArrayFiles.read(out.resolve("sweep").resolve("results.csv"));
        assertArrayEquals(new long[]{6, 10}, rows.shape());
    }

    @Test
    void cli() throws Exception {
        Path conf = out.resolve("conf.json");
        Files.writeString(conf, conf().toJson());
        Files.writeString(out.resolve("x.csv"), "1.0,0.0\n0.6,0.8\n0.0,1.0\n");
        String printed = captured(() -> {
            // snippet:cli
            // the same as: ./ntk kernel --config conf.json --x1 x.csv --kernel ntk --out k.csv
            int code = NtkCli.execute("kernel", "--config", out.resolve("conf.json").toString(),
                    "--x1", out.resolve("x.csv").toString(), "--kernel", "ntk",
                    "--out", out.resolve("k.csv").toString());
            // end
            assertEquals(0, code);
        });
        List<String> rows = Files.readAllLines(out.resolve("k.csv"));
        INDArray x = Nd4j.createFromArray(new double[][]{{1.0, 0.0}, {0.6, 0.8}, {0.0, 1.0}});
        INDArray expected = AnalyticKernels.of(conf()).compute(x).ntk();
        assertEquals(3, rows.size(), printed);
        for (int i = 0; i < 3; i++) {
            String[] c = rows.get(i).split(",");
            for (int j = 0; j < 3; j++) {
                assertEquals(expected.getDouble(i, j), Double.parseDouble(c[j]),
                        1e-6 * Math.abs(expected.getDouble(i, j)));
            }
        }
    }
}
