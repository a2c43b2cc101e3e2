package org.ntk4j.examples.docs;

import org.deeplearning4j.arbiter.MultiLayerSpace;
import org.deeplearning4j.arbiter.layers.DenseLayerSpace;
import org.deeplearning4j.arbiter.layers.OutputLayerSpace;
import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;
import org.deeplearning4j.arbiter.task.MultiLayerNetworkTaskCreator;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.ntk4j.core.analytic.ConvolutionalKernel;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.analytic.Parameterization;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.CsvHeader;
import org.ntk4j.core.io.NpyHeader;
import org.ntk4j.core.io.ReadOptions;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.predict.EnsemblePrediction;
import org.ntk4j.core.predict.FunctionSpaceLoss;
import org.ntk4j.core.predict.FunctionSpaceOde;
import org.ntk4j.core.predict.GaussianProcessEnsemble;
import org.ntk4j.core.predict.GradientDescentMse;
import org.ntk4j.core.predict.Prediction;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.analytic.AnalyticKernel;
import org.ntk4j.dl4j.analytic.AnalyticKernels;
import org.ntk4j.dl4j.analytic.MonteCarloKernels;
import org.ntk4j.dl4j.analytic.MonteCarloResult;
import org.ntk4j.dl4j.arbiter.FullBatchData;
import org.ntk4j.dl4j.arbiter.NtkScoreFunctions;
import org.ntk4j.dl4j.arbiter.NtkTaskListener;
import org.ntk4j.dl4j.listener.NtkListener;
import org.ntk4j.dl4j.listener.NtkSinks;
import org.ntk4j.dl4j.listener.NtkSnapshot;
import org.ntk4j.dl4j.samediff.SameDiffNtk;
import org.ntk4j.dl4j.samediff.SameDiffNtkListener;
import org.ntk4j.examples.listener.ListenerExample;
import org.ntk4j.examples.sweep.SweepExample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the Java snippets of the concept pages ({@code docs/analytic-kernels.md}, {@code empirical-ntk.md},
 * {@code file-formats.md}, {@code linearized.md}, {@code samediff.md}, {@code sweeps.md}); {@link DocSnippetsMatchTest}
 * checks that each page holds exactly the code between {@code // snippet:NAME} and {@code // end}. The pages'
 * complete programs are run too: {@code listener-page} and {@code sweep-page} are regions of {@link ListenerExample}
 * and {@link SweepExample}, {@code linearized-page} and {@code samediff-page} of the ntk-dl4j tests
 * {@code LinearizedDocExampleTest} and {@code SameDiffNtkExampleTest}. Free variables of a snippet are set up before
 * it, small, as the page's text describes them.
 */
class DocPagesSnippetsTest extends NtkTestBase {
    @TempDir
    Path out;

    @Test
    void analyticDense() {
        INDArray x1 = Nd4j.rand(DataType.FLOAT, 3, 2).subi(0.5);
        INDArray x2 = Nd4j.rand(DataType.FLOAT, 2, 2).subi(0.5);
        // snippet:analytic-dense
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .weightInit(WeightInit.RELU).biasInit(0.1).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(1024).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(1024).nOut(1024).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(1024).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();

        AnalyticKernel limit = AnalyticKernels.of(conf);          // error-controlled, tolerance 1e-6 (withTolerance(...))
        KernelPair kp = limit.compute(x1, x2);                    // x2 may be null; FLOAT or DOUBLE, result in x1's type
        INDArray ntk = kp.ntk();                                  // [n1, n2]
        INDArray nngp = kp.nngp();                                // [n1, n2], covariance of one output; mean limit.outputMean()

        // the same architecture in the NTK parameterization (width-independent NTK)
        KernelPair ntkParam = limit.withParameterization(Parameterization.NTK).compute(x1, x2);

        // finite-width estimate: mean and spread over 32 DL4J initialisations (EmpiricalNtk, TRACE, per network)
        MonteCarloResult mc = MonteCarloKernels.builder(conf).samples(32).seed(7).build().compute(x1, x2);
        double relErr = mc.ntkMean().sub(ntk).norm2Number().doubleValue() / ntk.norm2Number().doubleValue();
        // end
        assertArrayEquals(new long[]{3, 2}, ntk.shape());
        assertArrayEquals(new long[]{3, 2}, nngp.shape());
        assertArrayEquals(new long[]{3, 2}, ntkParam.ntk().shape());
        // 32 networks of width 1024: the Monte-Carlo mean is within a few per cent of the limit
        assertTrue(relErr < 0.1, "Monte-Carlo mean vs analytic NTK: " + relErr);
    }

    @Test
    void analyticConvolutional() {
        INDArray images1 = Nd4j.rand(DataType.DOUBLE, 2, 1, 8, 8);
        INDArray images2 = Nd4j.rand(DataType.DOUBLE, 1, 1, 8, 8);
        // snippet:analytic-conv
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).activation(Activation.RELU).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(8, 8, 1))
                .build();
        AnalyticKernel limit = AnalyticKernels.of(conf);          // limit.isConvolutional() == true
        KernelPair kp = limit.compute(images1, images2);          // images [n, 1, 8, 8]; kp.ntk(), kp.nngp(): [n1, n2]
        ConvolutionalKernel core = limit.convolutionalKernel();   // core.fullCovariance(): which representation is used
        // end
        assertTrue(limit.isConvolutional());
        assertArrayEquals(new long[]{2, 1}, kp.ntk().shape());
        assertArrayEquals(new long[]{2, 1}, kp.nngp().shape());
        assertTrue(core != null && kp.ntk().minNumber().doubleValue() > 0);
    }

    /** A FLOAT MLP with 32 inputs and 3 outputs. */
    private static MultiLayerNetwork mlp32() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(32).nOut(16).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(16).nOut(3)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    /** A FLOAT graph with inputs a [n, 2] and b [n, 3], merged, 3 outputs. */
    private static ComputationGraph twoInputGraph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(4).weightInit(WeightInit.RELU)
                .graphBuilder().addInputs("a", "b")
                .addLayer("ha", new DenseLayer.Builder().nIn(2).nOut(8).activation(Activation.TANH).build(), "a")
                .addLayer("hb", new DenseLayer.Builder().nIn(3).nOut(8).activation(Activation.TANH).build(), "b")
                .addVertex("m", new MergeVertex(), "ha", "hb")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(16).nOut(3)
                        .activation(Activation.IDENTITY).build(), "m")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void empiricalPage() {
        MultiLayerNetwork net = mlp32();
        ComputationGraph graph = twoInputGraph();
        INDArray a1 = Nd4j.rand(DataType.FLOAT, 4, 2), b1 = Nd4j.rand(DataType.FLOAT, 4, 3);
        INDArray a2 = Nd4j.rand(DataType.FLOAT, 2, 2), b2 = Nd4j.rand(DataType.FLOAT, 2, 3);
        // snippet:empirical-page
        // net: an initialised MultiLayerNetwork with 32 inputs; any data type (FLOAT is DL4J's default)
        INDArray x1 = Nd4j.rand(DataType.FLOAT, 100, 32);     // [n1, d]
        INDArray x2 = Nd4j.rand(DataType.FLOAT, 20, 32);      // [n2, d]

        EmpiricalNtk ntk = EmpiricalNtk.builder()
                .implementation(NtkImplementation.AUTO)
                .outputMode(OutputMode.FULL)
                .blockSize(256)
                .build();
        INDArray full = ntk.compute(net, x1, x2);             // [100, 20, o, o]
        INDArray flat = KernelLayout.flatten(full);           // [100*o, 20*o], example-major (row i*o + k)
        INDArray trace = KernelLayout.traceOf(full);          // [100, 20], mean over outputs
        INDArray gram = EmpiricalNtk.builder().build().compute(net, x1);   // TRACE [100, 100], symmetric PSD

        // a ComputationGraph with two inputs
        INDArray k = ntk.compute(graph, new INDArray[]{a1, b1}, new INDArray[]{a2, b2});
        // end
        assertArrayEquals(new long[]{100, 20, 3, 3}, full.shape());
        assertArrayEquals(new long[]{300, 60}, flat.shape());
        assertEquals(full.getDouble(7, 5, 2, 1), flat.getDouble(7 * 3 + 2, 5 * 3 + 1), 0.0);
        // TRACE computed directly (a different output mode of the engine) equals the mean of FULL's diagonal
        INDArray direct = EmpiricalNtk.builder().build().compute(net, x1, x2);
        assertEquals(0.0, trace.sub(direct).norm2Number().doubleValue(), 1e-5 * direct.norm2Number().doubleValue());
        assertEquals(0.0, gram.sub(gram.transpose()).norm2Number().doubleValue(), 1e-5 * gram.norm2Number().doubleValue());
        assertArrayEquals(new long[]{4, 2, 3, 3}, k.shape());
    }

    @Test
    void fileFormats() throws Exception {
        Path dir = out;
        INDArray kernel = Nd4j.rand(DataType.DOUBLE, 4, 4);
        INDArray k0 = Nd4j.rand(DataType.FLOAT, 2, 2), k1 = Nd4j.rand(DataType.FLOAT, 3, 3);
        INDArray x0 = Nd4j.rand(DataType.DOUBLE, 5, 3);
        ArrayFiles.write(x0, dir.resolve("x.npy"));
        ArrayFiles.writeNpz(Map.of("y_train", x0.mul(2)), dir.resolve("data.npz"));
        ArrayFiles.writeCsv(x0, List.of("a", "b", "c"), dir.resolve("x.csv"));
        // snippet:file-formats
        // dir: a folder
        INDArray x = ArrayFiles.read(dir.resolve("x.npy"));                        // C order, in the file's ND4J type
        INDArray y = ArrayFiles.read(dir.resolve("data.npz") + ":y_train", ReadOptions.defaults()); // one array of an archive
        INDArray z = ArrayFiles.read(dir.resolve("x.csv"),
                ReadOptions.builder().csvHeader(CsvHeader.PRESENT).memoryBudget(MemoryBudget.ofBytes(8L << 30)).build());
        ArrayFiles.write(kernel, dir.resolve("k.npy"));                            // temporary file + rename
        ArrayFiles.writeNpz(Map.of("k0", k0, "k1", k1), dir.resolve("kernels.npz"));
        NpyHeader h = ArrayFiles.readNpyHeader(dir.resolve("x.npy"));              // shape, descr, order, offsets
        // end
        assertEquals(x0, x);
        assertEquals(x0.mul(2), y);
        assertEquals(x0, z);
        assertArrayEquals(new long[]{5, 3}, h.shape());
        assertEquals(kernel, ArrayFiles.read(dir.resolve("k.npy")));
        assertEquals(k1, ArrayFiles.read(dir.resolve("kernels.npz") + ":k1", ReadOptions.defaults()));
    }

    /** {@code k ⊗ I_o}: an infinite-width kernel [n1, n2] as a flat [n1·o, n2·o] one. */
    private static INDArray kron(INDArray k, int o) {
        INDArray r = Nd4j.zeros(DataType.DOUBLE, k.size(0) * o, k.size(1) * o);
        for (int i = 0; i < k.size(0); i++) {
            for (int j = 0; j < k.size(1); j++) {
                for (int c = 0; c < o; c++) {
                    r.putScalar(i * o + c, j * o + c, k.getDouble(i, j));
                }
            }
        }
        return r;
    }

    @Test
    void kernelsAlone() {
        // a DL4J network only to produce realistic kernels: Θ FULL (flattened) and f0, two outputs
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(64).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray xTrain = Nd4j.rand(DataType.DOUBLE, 6, 2).subi(0.5), xTest = Nd4j.rand(DataType.DOUBLE, 3, 2).subi(0.5);
        EmpiricalNtk full = EmpiricalNtk.builder().outputMode(OutputMode.FULL).build();
        INDArray thetaTrain = KernelLayout.flatten(full.compute(net, xTrain));
        INDArray thetaTestTrain = KernelLayout.flatten(full.compute(net, xTest, xTrain));
        INDArray f0Train = net.output(xTrain), f0Test = net.output(xTest);
        INDArray yTrain = Nd4j.rand(DataType.DOUBLE, 6, 2);
        AnalyticKernel inf = AnalyticKernels.of(conf);
        KernelPair tr = inf.compute(xTrain), tt = inf.compute(xTest, xTrain), ss = inf.compute(xTest);
        INDArray ntkTrain = kron(tr.ntk(), 2), nngpTrain = kron(tr.nngp(), 2);
        INDArray ntkTestTrain = kron(tt.ntk(), 2), nngpTestTrain = kron(tt.nngp(), 2), nngpTestTest = kron(ss.nngp(), 2);
        double t = 5.0;
        INDArray oneHotTrain = Nd4j.zeros(DataType.DOUBLE, 6, 2);
        for (int i = 0; i < 6; i++) {
            oneHotTrain.putScalar(i, i % 2, 1.0);
        }
        INDArray logits0 = f0Train, logits0Test = f0Test;
        // snippet:kernels-alone
        GradientDescentMse gd = GradientDescentMse.builder(thetaTrain, yTrain)      // [n·o, n·o], [n, o]
                .initialOutputs(f0Train)                                            // [n, o]; zero if omitted
                .diagReg(0.0)
                .build();                                                           // rate c = 2/(n·o) unless .rate(c)
        Prediction p = gd.atSteps(100, 0.1, thetaTestTrain, f0Test);                // p.train() [n, o], p.test() [nt, o]
        Prediction q = gd.atTime(10.0, thetaTestTrain, f0Test);
        Prediction r = gd.atConvergence(thetaTestTrain, f0Test);

        // infinite-width ensembles (Lee et al. 2019): mean [nt, o] and covariance [nt·o, nt·o] at time t or ∞
        GaussianProcessEnsemble ens = GaussianProcessEnsemble.builder(ntkTrain, nngpTrain, yTrain).build();
        EnsemblePrediction ntkGp = ens.ntkGp(t, ntkTestTrain, nngpTestTrain, nngpTestTest);
        EnsemblePrediction nngp  = ens.nngp(Double.POSITIVE_INFINITY, nngpTestTrain, nngpTestTest);  // GP posterior

        // losses without a closed form: adaptive Runge–Kutta (Commons Math Dormand–Prince 8(5,3)) on df/dt = −(1/n) Θ ∇ℓ
        FunctionSpaceOde ode = FunctionSpaceOde.builder(thetaTrain, oneHotTrain)
                .initialOutputs(logits0).loss(FunctionSpaceLoss.softmaxCrossEntropy()).build();
        Prediction logits = ode.atTime(5.0, thetaTestTrain, logits0Test);
        // end
        assertArrayEquals(new long[]{3, 2}, p.test().shape());
        assertArrayEquals(new long[]{3, 2}, q.test().shape());
        // at convergence the training outputs interpolate the targets (Θ is positive definite here)
        assertEquals(0.0, r.train().sub(yTrain).norm2Number().doubleValue(), 1e-6);
        assertArrayEquals(new long[]{3, 2}, ntkGp.mean().shape());
        assertArrayEquals(new long[]{3, 2}, nngp.mean().shape());
        assertArrayEquals(new long[]{3, 2}, logits.test().shape());
    }

    @Test
    void sameDiffListener() {
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("input", DataType.DOUBLE, -1, 3);
        SDVariable label = sd.placeHolder("label", DataType.DOUBLE, -1, 2);
        SDVariable w = sd.var("w", Nd4j.randn(DataType.DOUBLE, 3, 16).divi(Math.sqrt(3)));
        SDVariable w2 = sd.var("w2", Nd4j.randn(DataType.DOUBLE, 16, 2).divi(4));
        SDVariable output = sd.math.tanh(in.mmul(w)).mmul("output", w2);
        sd.loss.meanSquaredError("loss", label, output, null);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Sgd(0.1))
                .dataSetFeatureMapping("input").dataSetLabelMapping("label").build());
        INDArray features = Nd4j.randn(DataType.DOUBLE, 16, 3);
        DataSet all = new DataSet(features, Transforms.sin(features.getColumns(0, 1), true));
        INDArray probeFeatures = features.getRows(0, 1, 2, 3), probeLabels = all.getLabels().getRows(0, 1, 2, 3);
        DataSetIterator trainIterator = new ListDataSetIterator<>(all.asList(), 8);
        int epochs = 10;
        // snippet:samediff-listener
        SameDiffNtkListener listener = SameDiffNtkListener.builder(SameDiffNtk.of(sd, "input", "output"), probeFeatures)
                .probeLabels(probeLabels)                  // optional: [n] or [n, c] (FULL: [n, o]); enables the alignment
                .everyNIterations(10)                      // and/or .everyNEpochs(1); default every 100 iterations
                .sink(NtkSinks.csv(out.resolve("ntk.csv")))
                .sink(NtkSinks.log())
                .build();
        sd.setListeners(listener);
        sd.fit(trainIterator, epochs);
        listener.close();                                  // flushes the file sinks
        List<NtkSnapshot> history = listener.history();    // also latest(), initialKernel(), latestKernel()
        // end
        // 2 iterations per epoch, 20 in all: snapshots at iterations 0, 10, 20
        assertEquals(List.of(0L, 10L, 20L), history.stream().map(NtkSnapshot::iteration).toList());
        assertEquals(history, NtkSinks.readCsv(out.resolve("ntk.csv")));
        assertTrue(Double.isFinite(history.get(2).alignment()) && history.get(2).drift() > 0);
    }

    @Test
    void arbiterSearch() {
        IntegerParameterSpace w = new IntegerParameterSpace(4, 12);
        MultiLayerSpace mySpace = new MultiLayerSpace.Builder().weightInit(WeightInit.NORMAL).updater(new Sgd(0.05))
                .addLayer(new DenseLayerSpace.Builder().nIn(4).nOut(w).activation(Activation.TANH).build())
                .addLayer(new OutputLayerSpace.Builder().nIn(w).nOut(1).activation(Activation.IDENTITY)
                        .lossFunction(LossFunctions.LossFunction.MSE).build())
                .build();
        INDArray x = Nd4j.randn(DataType.FLOAT, 12, 4), xt = Nd4j.randn(DataType.FLOAT, 6, 4);
        DataSet train = new DataSet(x, Transforms.tanh(x.getColumn(0).reshape(12, 1), true));
        DataSet test = new DataSet(xt, Transforms.tanh(xt.getColumn(0).reshape(6, 1), true));
        // snippet:arbiter-search
        OptimizationConfiguration conf = new OptimizationConfiguration.Builder()
                .candidateGenerator(new RandomSearchGenerator(mySpace, null))
                .dataProvider(FullBatchData.of(train, test))
                .scoreFunction(NtkScoreFunctions.drift())          // or linearizationGap(), testLoss()
                .terminationConditions(new MaxCandidatesCondition(8))
                .build();
        NtkTaskListener ntk = NtkTaskListener.builder(train.getFeatures()).build();
        IOptimizationRunner runner = new LocalOptimizationRunner(conf, new MultiLayerNetworkTaskCreator(null, ntk));
        runner.execute();
        ntk.summaries();                                       // drift, λmin, λmax of Θ0 per candidate
        // end
        assertEquals(8, runner.numCandidatesCompleted(), "candidates failed: " + runner.numCandidatesFailed());
        assertEquals(8, ntk.summaries().size());
        ntk.summaries().values().forEach(s -> assertTrue(s.lambdaMax() > 0 && s.lambdaMax() >= s.lambdaMin(), s.toString()));
    }

    @Test
    void listenerWithItsOwnKernel() {
        MultiLayerNetwork net = mlp32();
        INDArray probe = Nd4j.rand(DataType.FLOAT, 6, 32);
        DataSet train = new DataSet(Nd4j.rand(DataType.FLOAT, 16, 32), Nd4j.rand(DataType.FLOAT, 16, 3));
        // snippet:listener-kernel
        NtkListener full = NtkListener.builder(probe)
                .kernel(EmpiricalNtk.builder().outputMode(OutputMode.FULL).blockSize(128).build())
                .everyNIterations(50)
                .build();
        // end
        INDArray traceAtInit = EmpiricalNtk.builder().build().compute(net, probe);
        net.addListeners(full);
        for (int i = 0; i < 50; i++) {
            net.fit(train);                                   // full batch: one iteration per call
        }
        full.close();
        assertEquals(List.of(0L, 50L), full.history().stream().map(NtkSnapshot::iteration).toList());
        // the FULL kernel [n, n, o, o] of the probe: its mean over outputs is the TRACE kernel computed directly
        INDArray k0 = full.initialKernel();
        assertArrayEquals(new long[]{6, 6, 3, 3}, k0.shape());
        assertEquals(0.0, KernelLayout.traceOf(k0).sub(traceAtInit).norm2Number().doubleValue(),
                1e-5 * traceAtInit.norm2Number().doubleValue());
    }

    @Test
    void listenerPageProgram() throws Exception {
        String printed = DocSnippetsTest.captured(() -> ListenerExample.main(new String[]{out.toString()}));
        assertTrue(printed.contains("NTK iteration 400"), printed);
        List<NtkSnapshot> csv = NtkSinks.readCsv(out.resolve("ntk.csv"));
        assertEquals(21, csv.size());                         // iterations 0, 20, ..., 400
        assertEquals(csv, NtkSinks.readJsonLines(out.resolve("ntk.jsonl")));
        for (String f : List.of("drift.png", "spectrum.png", "eigenvalues.png", "alignment.png", "snapshots.csv")) {
            assertTrue(Files.size(out.resolve("report").resolve(f)) > 0, f);
        }
    }

    @Test
    void sweepPageProgram() throws Exception {
        String printed = DocSnippetsTest.captured(() -> SweepExample.main(new String[]{out.toString()}));
        assertTrue(printed.contains("drift ~ width^"), printed);
        INDArray rows = ArrayFiles.read(out.resolve("results.csv"));  // header detected
        assertArrayEquals(new long[]{10, 10}, rows.shape());          // 5 widths x 2 seeds, 10 columns
        for (String f : List.of("drift-vs-width.png", "gap-vs-width.png")) {
            assertTrue(Files.size(out.resolve(f)) > 1000, f);
        }
    }
}
