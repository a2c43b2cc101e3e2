package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.evaluation.regression.RegressionEvaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.core.linalg.NotPositiveDefiniteException;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.File;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertBitIdentical;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * {@link LinearizedNetwork} against independent references: the per-example Jacobian kernel, explicit kernel regression
 * with Commons Math, the linear model iterated by hand, DL4J's own evaluation classes.
 */
class LinearizedNetworkTest extends NtkTestBase {
    private final DataSet train = Nets.data(DataType.DOUBLE, 3, 12, 3, 2);
    private final INDArray xTest = Nets.data(DataType.DOUBLE, 4, 5, 3, 2).getFeatures();

    private MultiLayerNetwork net(DataType type) {
        return Nets.mlp(type, 7, 3, 2, 0.05, Activation.TANH, 32, 16);
    }

    private static INDArray inverse(INDArray a) {
        return Nd4j.createFromArray(new org.apache.commons.math3.linear.LUDecomposition(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(a.toDoubleMatrix())).getSolver().getInverse()
                .getData());
    }

    private static INDArray col(INDArray a) {
        return a.dup('c').reshape('c', a.length(), 1);
    }

    @Test
    void kernelMatchesPerExampleJacobianAndFiniteDifferences() {
        MultiLayerNetwork n = net(DataType.DOUBLE);
        LinearizedNetwork lin = LinearizedNetwork.of(n).build().fit(train);
        INDArray ref = new JacobianKernelEngine().flatKernel(n, train.getFeatures(), null);
        assertClose(ref, lin.trainKernel(), tol(DataType.DOUBLE).exact(), "Θ vs per-example Jacobians");
        // the Jacobian reference itself against central differences of net.output in one parameter direction
        INDArray jac = JacobianKernelEngine.jacobian(n, train.getFeatures());
        INDArray dir = randn(DataType.DOUBLE, 5, 1, n.numParams());
        INDArray p0 = n.params().dup();
        double h = 1e-5;
        n.setParams(p0.add(dir.mul(h)));
        INDArray plus = n.output(train.getFeatures());
        n.setParams(p0.sub(dir.mul(h)));
        INDArray minus = n.output(train.getFeatures());
        n.setParams(p0);
        INDArray fd = col(plus.sub(minus).divi(2 * h));
        assertClose(fd, jac.mmul(dir.transpose()), tol(DataType.DOUBLE).finiteDiff(), "J·v vs finite differences");
    }

    @Test
    void stepZeroIsTheNetworkAndConvergenceIsKernelRegression() {
        MultiLayerNetwork n = net(DataType.DOUBLE);
        LinearizedNetwork lin = LinearizedNetwork.of(n).build().fit(train);
        assertClose(n.output(xTest), lin.output(xTest, 0), tol(DataType.DOUBLE).exact(), "0 steps = f0");
        assertClose(n.output(xTest), lin.outputAtTime(xTest, 0.0), tol(DataType.DOUBLE).exact(), "t = 0 = f0");
        JacobianKernelEngine ref = new JacobianKernelEngine();
        INDArray kxx = ref.flatKernel(n, train.getFeatures(), null);
        INDArray ktx = ref.flatKernel(n, xTest, train.getFeatures());
        INDArray expected = col(n.output(xTest)).add(ktx.mmul(inverse(kxx)).mmul(col(train.getLabels()
                .sub(n.output(train.getFeatures()))))).reshape('c', 5, 2);
        assertClose(expected, lin.output(xTest), tol(DataType.DOUBLE).solve(), "t = ∞ vs explicit kernel regression");
        assertClose(expected, lin.outputAtTime(xTest, Double.POSITIVE_INFINITY), tol(DataType.DOUBLE).solve(),
                "outputAtTime(∞)");
    }

    @Test
    void stepsEqualIteratedLinearModelAndTimeIsLearningRateTimesSteps() {
        MultiLayerNetwork n = net(DataType.DOUBLE);
        double eta = 0.05;
        LinearizedNetwork lin = LinearizedNetwork.of(n).build().fit(train); // Sgd(0.05) from the network
        assertEquals(eta, lin.learningRate());
        JacobianKernelEngine ref = new JacobianKernelEngine();
        INDArray kxx = ref.flatKernel(n, train.getFeatures(), null);
        INDArray ktx = ref.flatKernel(n, xTest, train.getFeatures());
        INDArray f = col(n.output(train.getFeatures()));
        INDArray ft = col(n.output(xTest));
        INDArray y = col(train.getLabels());
        double c = 2.0 / (12 * 2); // LossMSE mean over 2 outputs, updater mean over 12 examples
        int steps = 25;
        for (int s = 0; s < steps; s++) {
            INDArray r = f.sub(y);
            ft.subi(ktx.mmul(r).muli(eta * c));
            f.subi(kxx.mmul(r).muli(eta * c));
        }
        assertClose(ft.reshape('c', 5, 2), lin.output(xTest, steps), tol(DataType.DOUBLE).solve(), "25 steps by hand");
        assertClose(f.reshape('c', 12, 2), lin.trainOutput(steps), tol(DataType.DOUBLE).solve(), "train after 25 steps");
        // continuous time t = η·s is the limit of many small steps
        INDArray flow = lin.outputAtTime(xTest, eta * steps);
        INDArray fine = LinearizedNetwork.of(n).learningRate(eta / 50).build().fit(train).output(xTest, 50L * steps);
        assertClose(flow, fine, 1e-3, "flow vs 1250 small steps");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void oneRealSgdStepMatchesOneLinearizedStep(boolean miniBatch) {
        // DL4J's own scaling: LossMSE averages over outputs; the updater divides by n unless miniBatch(false)
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).miniBatch(miniBatch).updater(new org.nd4j.linalg.learning.config.Sgd(1e-3))
                .weightInit(org.deeplearning4j.nn.weights.WeightInit.NORMAL).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(64).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(64).nOut(2)
                        .activation(Activation.IDENTITY).build()).build());
        n.init();
        LinearizedNetwork lin = LinearizedNetwork.of(n).build().fit(train);
        INDArray f0 = n.output(xTest);
        n.fit(train);
        INDArray realMove = n.output(xTest).sub(f0);
        INDArray linMove = lin.output(xTest, 1).sub(f0);
        // equal to first order in the learning rate (measured 3.9e-5 and 4.7e-4); a wrong factor n or o would be off
        // by 1100% or 100%
        assertClose(realMove, linMove, 1e-2, "one step, miniBatch " + miniBatch);
    }

    @Test
    void traceModeIsOneIndependentRegressionPerOutput() {
        MultiLayerNetwork n = net(DataType.DOUBLE);
        LinearizedNetwork lin = LinearizedNetwork.of(n).kernelMode(org.ntk4j.dl4j.OutputMode.TRACE).build().fit(train);
        INDArray k = org.ntk4j.dl4j.EmpiricalNtk.builder().outputMode(org.ntk4j.dl4j.OutputMode.TRACE).build()
                .compute(n, train.getFeatures());
        INDArray kt = org.ntk4j.dl4j.EmpiricalNtk.builder().outputMode(org.ntk4j.dl4j.OutputMode.TRACE).build()
                .compute(n, xTest, train.getFeatures());
        INDArray out = lin.output(xTest, 30);
        for (int c = 0; c < 2; c++) {
            // output c alone, same DL4J rate 2/(n·o) with o = 2
            INDArray expected = org.ntk4j.core.predict.GradientDescentMse.builder(k, train.getLabels().getColumn(c).dup())
                    .initialOutputs(n.output(train.getFeatures()).getColumn(c).dup()).rate(2.0 / (12 * 2)).build()
                    .atSteps(30, lin.learningRate(), kt, n.output(xTest).getColumn(c).dup()).test();
            assertClose(expected.reshape(5), out.getColumn(c), tol(DataType.DOUBLE).solve(), "output " + c);
        }
        assertEquals(org.ntk4j.dl4j.OutputMode.TRACE, lin.kernelMode());
        // one output: TRACE is FULL
        MultiLayerNetwork one = Nets.mlp(DataType.DOUBLE, 7, 3, 1, 0.05, Activation.TANH, 16);
        DataSet t1 = Nets.data(DataType.DOUBLE, 3, 12, 3, 1);
        assertClose(LinearizedNetwork.of(one).build().fit(t1).output(xTest, 9),
                LinearizedNetwork.of(one).kernelMode(org.ntk4j.dl4j.OutputMode.TRACE).build().fit(t1).output(xTest, 9),
                tol(DataType.DOUBLE).exact(), "o = 1");
    }

    @Test
    void originalNetworkMayKeepTraining() {
        MultiLayerNetwork n = net(DataType.DOUBLE);
        LinearizedNetwork lin = LinearizedNetwork.of(n).build();
        INDArray before = n.params().dup();
        for (int i = 0; i < 5; i++) {
            n.fit(train);
        }
        assertFalse(before.equalsWithEps(n.params(), 1e-12), "network trained");
        LinearizedNetwork fitted = lin.fit(train);  // fit returns the fitted network; lin stays a configuration
        MultiLayerNetwork fresh = net(DataType.DOUBLE); // same seed: same θ0
        assertClose(fresh.output(xTest), fitted.output(xTest, 0), tol(DataType.DOUBLE).exact(), "θ0 frozen at build()");
        assertBitIdentical(before, fitted.initialNetwork().params(), "θ0 copy");
    }

    @Test
    void iteratorFitEqualsDataSetFit() {
        MultiLayerNetwork n = net(DataType.DOUBLE);
        DataSetIterator it = new org.nd4j.linalg.dataset.api.iterator.TestDataSetIterator(train, 5);
        INDArray a = LinearizedNetwork.of(n).build().fit(train).output(xTest, 10);
        INDArray b = LinearizedNetwork.of(n).build().fit(it).output(xTest, 10);
        assertClose(a, b, tol(DataType.DOUBLE).exact(), "iterator vs DataSet");
    }

    @Test
    void evaluationsMatchDl4jOnTheOutputs() {
        MultiLayerNetwork n = net(DataType.DOUBLE);
        LinearizedNetwork lin = LinearizedNetwork.of(n).build().fit(train);
        INDArray labels = Nd4j.create(DataType.DOUBLE, 5, 2);
        for (int i = 0; i < 5; i++) {
            labels.putScalar(i, i % 2, 1.0);
        }
        DataSet test = new DataSet(xTest, labels);
        Evaluation manual = new Evaluation(2);
        manual.eval(labels, lin.output(xTest));
        assertEquals(manual.accuracy(), lin.evaluate(new SingletonDataSetIterator(test)).accuracy(), 0.0);
        Evaluation manualSteps = new Evaluation(2);
        manualSteps.eval(labels, lin.output(xTest, 3));
        assertEquals(manualSteps.f1(), lin.evaluate(new SingletonDataSetIterator(test), 3).f1(), 0.0);
        RegressionEvaluation reg = lin.evaluateRegression(new SingletonDataSetIterator(test));
        double mse0 = lin.output(xTest).getColumn(0).sub(labels.getColumn(0)).norm2Number().doubleValue();
        assertEquals(mse0 * mse0 / 5, reg.meanSquaredError(0), 1e-12);
        FittedLinearization model = lin.model(); // the fitted model has the same one-argument evaluations
        assertEquals(manual.accuracy(), model.evaluate(new SingletonDataSetIterator(test)).accuracy(), 0.0);
        assertEquals(mse0 * mse0 / 5,
                model.evaluateRegression(new SingletonDataSetIterator(test)).meanSquaredError(0), 1e-12);
    }

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws Exception {
        MultiLayerNetwork n = net(DataType.DOUBLE);
        LinearizedNetwork lin = LinearizedNetwork.of(n).learningRate(0.2).diagReg(1e-9).build().fit(train);
        File f = dir.resolve("lin.zip").toFile();
        lin.save(f);
        LinearizedNetwork back = LinearizedNetwork.load(f);
        assertEquals(0.2, back.learningRate());
        assertEquals(1e-9, back.diagReg());
        assertBitIdentical(lin.output(xTest), back.output(xTest), "converged outputs");
        assertClose(lin.output(xTest, 7), back.output(xTest, 7), tol(DataType.DOUBLE).exact(), "outputs after 7 steps");
        assertEquals(1, dir.toFile().listFiles().length, "no temporary file left");
        File notZip = dir.resolve("bad.zip").toFile();
        java.nio.file.Files.writeString(notZip.toPath(), "hello");
        assertThrows(java.io.IOException.class, () -> LinearizedNetwork.load(notZip));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void floatNetworkAgreesWithDouble(DataType type) {
        MultiLayerNetwork n = net(type);
        MultiLayerNetwork d = net(DataType.DOUBLE);
        d.setParams(n.params().castTo(DataType.DOUBLE));
        DataSet tr = new DataSet(train.getFeatures().castTo(type), train.getLabels().castTo(type));
        LinearizedNetwork lin = LinearizedNetwork.of(n).build().fit(tr);
        LinearizedNetwork ref = LinearizedNetwork.of(d).build().fit(train);
        INDArray out = lin.output(xTest.castTo(type), 40);
        assertEquals(type, out.dataType());
        assertClose(ref.output(xTest, 40), out.castTo(DataType.DOUBLE), tol(type).crossType(), "after 40 steps");
        assertClose(ref.output(xTest), lin.output(xTest).castTo(DataType.DOUBLE),
                10 * tol(type).solve(), "at convergence (Θ of this net has condition number ~1e4)");
    }

    @Test
    void singularKernelNamesDiagReg() {
        // 40 training points, 2 outputs, but only 3·4 + 4 + 4·2 + 2 = 26 parameters: Θ [80, 80] has rank ≤ 26
        MultiLayerNetwork tiny = Nets.mlp(DataType.DOUBLE, 1, 3, 2, 0.1, Activation.TANH, 4);
        DataSet big = Nets.data(DataType.DOUBLE, 8, 40, 3, 2);
        LinearizedNetwork plain = LinearizedNetwork.of(tiny).build().fit(big);
        assertTrue(Double.isFinite(plain.output(xTest, 50).sumNumber().doubleValue()), "finite steps work");
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () -> plain.output(xTest));
        assertTrue(e.getMessage().contains("diagReg(") && e.getMessage().contains("finite steps and times work"),
                e.getMessage());
        LinearizedNetwork lin = LinearizedNetwork.of(tiny).diagReg(e.suggestedDiagReg()).build().fit(big);
        assertTrue(Double.isFinite(lin.output(xTest).sumNumber().doubleValue()));
    }

    @Test
    void badInputs() {
        MultiLayerNetwork n = net(DataType.DOUBLE);
        LinearizedNetwork lin = LinearizedNetwork.of(n).build();
        IllegalStateException notFitted = assertThrows(IllegalStateException.class, () -> lin.output(xTest));
        assertTrue(notFitted.getMessage().contains("call fit(trainSet) first"), notFitted.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lin.fit(new DataSet(train.getFeatures(), Nd4j.zeros(DataType.DOUBLE, 12, 3))));
        assertTrue(e.getMessage().contains("expected labels [12, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> lin.fit(new DataSet(train.getFeatures(), Nd4j.zeros(DataType.DOUBLE, 11, 2))));
        assertTrue(e.getMessage().contains("got [11, 2]"), e.getMessage());
        INDArray nanLabels = train.getLabels().dup();
        nanLabels.putScalar(3, 1, Double.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> lin.fit(new DataSet(train.getFeatures(), nanLabels)));
        assertTrue(e.getMessage().contains("training labels contains NaN"), e.getMessage());
        LinearizedNetwork fitted = lin.fit(train);
        e = assertThrows(IllegalArgumentException.class, () -> fitted.output(Nd4j.zeros(DataType.DOUBLE, 4, 5)));
        assertTrue(e.getMessage().contains("expected features [n, 3] (as in training), got [4, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fitted.output(xTest, -1));
        assertTrue(e.getMessage().contains("(got: -1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LinearizedNetwork.of(n).learningRate(-0.1));
        assertTrue(e.getMessage().contains("(got: -0.1)"), e.getMessage());
        // unsupported loss
        MultiLayerNetwork xent = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .list().layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build()).build());
        xent.init();
        e = assertThrows(IllegalArgumentException.class, () -> LinearizedNetwork.of(xent).learningRate(0.1).build());
        assertTrue(e.getMessage().contains("closed form only for LossMSE") && e.getMessage().contains("LossMCXENT")
                && e.getMessage().contains("FunctionSpaceOde"), e.getMessage());
        // no Sgd learning rate to inherit
        MultiLayerNetwork adam = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new Adam(0.01)).list().layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).build()).build());
        adam.init();
        e = assertThrows(IllegalArgumentException.class, () -> LinearizedNetwork.of(adam).build());
        assertTrue(e.getMessage().contains("set learningRate(...)"), e.getMessage());
        // memory
        MemoryBudgetExceededException m = assertThrows(MemoryBudgetExceededException.class,
                () -> LinearizedNetwork.of(n).memoryBudget(MemoryBudget.ofBytes(1000)).build().fit(train));
        assertTrue(m.getMessage().contains("use fewer training examples"), m.getMessage());
    }
}
