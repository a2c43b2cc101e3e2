package org.ntk4j.dl4j.linearized;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.linalg.IterativeSolution;
import org.ntk4j.core.linalg.NotPositiveDefiniteException;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.linearized.internal.EmpiricalNtkEngine;

import java.io.File;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertBitIdentical;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * The iterative solve of {@link LinearizedNetwork} (a memory budget too low for the dense factorizations) against the
 * dense Cholesky path and against Commons Math's Cholesky of the same kernel in double precision.
 */
class LinearizedIterativeTest extends NtkTestBase {
    private static final double REG = 1e-2;

    private static MultiLayerNetwork net(DataType type) {
        return Nets.mlp(type, 7, 3, 2, 0.05, Activation.TANH, 32, 16);
    }

    /** Commons Math: (K + rI)⁻¹ b by LU, K read in double exactly as stored (symmetric only to rounding). */
    private static INDArray ridge(INDArray k, double r, INDArray b) {
        RealMatrix a = new Array2DRowRealMatrix(k.castTo(DataType.DOUBLE).toDoubleMatrix());
        for (int i = 0; i < a.getRowDimension(); i++) {
            a.addToEntry(i, i, r);
        }
        double[][] x = new LUDecomposition(a).getSolver()
                .solve(new Array2DRowRealMatrix(b.castTo(DataType.DOUBLE).toDoubleMatrix())).getData();
        return org.nd4j.linalg.factory.Nd4j.createFromArray(x);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void iterativeSolveIsTheDoublePrecisionRidgeSolution(DataType type) {
        DataSet train = Nets.data(type, 3, 30, 3, 2);
        LinearizedModel it = LinearizedNetwork.of(net(type)).diagReg(REG).solver(LinearizedSolver.ITERATIVE)
                .tolerance(1e-10).preconditionerRank(16).build().fitModel(train);
        assertEquals(LinearizedSolver.ITERATIVE, it.solver());
        IterativeSolution s = it.iterativeSolution().orElseThrow();
        assertTrue(s.relativeResidual() <= 1e-10, "residual " + s.relativeResidual());
        assertEquals(DataType.DOUBLE, s.solution().dataType());
        // reference: f0 from DL4J itself, the stored kernel (FLOAT for a FLOAT network) solved by Commons Math in double
        INDArray f0 = net(type).output(train.getFeatures()).castTo(DataType.DOUBLE);
        INDArray r0 = f0.sub(train.getLabels().castTo(DataType.DOUBLE)).reshape('c', 60, 1);
        INDArray ref = ridge(it.trainKernel(), REG, r0);
        double err = ref.sub(s.solution()).norm2Number().doubleValue() / ref.norm2Number().doubleValue();
        assertTrue(err < 1e-6, type + ": α relative error " + err + " (a float32 solve would be ~1e-3)");
    }

    @Test
    void lowBudgetChoosesIterativeAndAgreesWithDense() {
        DataSet train = Nets.data(DataType.DOUBLE, 3, 400, 3, 2);
        INDArray xTest = Nets.data(DataType.DOUBLE, 4, 5, 3, 2).getFeatures();
        LinearizedNetwork dense = LinearizedNetwork.of(net(DataType.DOUBLE)).diagReg(REG).build().fit(train);
        assertEquals(LinearizedSolver.DENSE, dense.model().solver());
        // room for the kernel (m = 800) and the engine's workspace, not for three more m² double factorizations
        long kernel = 2 * MemoryBudget.bytes(DataType.DOUBLE, 800, 800) + MemoryBudget.bytes(DataType.DOUBLE, 400, 400, 2, 2);
        // the engine keeps its own (larger) budget: only the linearized network's solver choice sees the low one
        LinearizedNetwork lin = LinearizedNetwork.of(net(DataType.DOUBLE)).diagReg(REG).tolerance(1e-10)
                .memoryBudget(MemoryBudget.ofBytes(kernel + 3 * MemoryBudget.bytes(DataType.DOUBLE, 800, 800) / 2))
                .kernelEngine(new EmpiricalNtkEngine(MemoryBudget.ofBytes(1L << 30), OutputMode.FULL, 2))
                .build().fit(train);
        assertEquals(LinearizedSolver.ITERATIVE, lin.model().solver());
        assertClose(dense.output(xTest), lin.output(xTest), 1e-7, "iterative = dense at convergence");
        assertClose(dense.output(train.getFeatures()), lin.output(train.getFeatures()), 1e-7, "at training points");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lin.output(xTest, 10));
        assertTrue(e.getMessage().contains("outputs at convergence only"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> lin.outputAtTime(xTest, 1.0));
        assertTrue(e.getMessage().contains("solved iteratively"), e.getMessage());
        assertTrue(lin.model().toString().contains("ITERATIVE"));
    }

    @Test
    void singularKernelWithoutDiagRegIsRefused() {
        // 26 parameters, 40 examples × 2 outputs: Θ [80, 80] has rank ≤ 26
        MultiLayerNetwork tiny = Nets.mlp(DataType.DOUBLE, 1, 3, 2, 0.1, Activation.TANH, 4);
        DataSet big = Nets.data(DataType.DOUBLE, 8, 40, 3, 2);
        LinearizedNetwork lin = LinearizedNetwork.of(tiny).solver(LinearizedSolver.ITERATIVE).build().fit(big);
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                () -> lin.output(big.getFeatures()));
        assertTrue(e.getMessage().contains("diagReg") && e.getMessage().contains("no unique solution"),
                e.getMessage());
        LinearizedNetwork reg = LinearizedNetwork.of(tiny).solver(LinearizedSolver.ITERATIVE)
                .diagReg(e.suggestedDiagReg()).build().fit(big);
        assertTrue(Double.isFinite(reg.output(big.getFeatures()).sumNumber().doubleValue()));
    }

    @Test
    void iterativeFitSavesAndLoads(@TempDir Path dir) throws Exception {
        DataSet train = Nets.data(DataType.FLOAT, 3, 20, 3, 2);
        INDArray xTest = Nets.data(DataType.FLOAT, 4, 5, 3, 2).getFeatures();
        LinearizedNetwork lin = LinearizedNetwork.of(net(DataType.FLOAT)).diagReg(REG)
                .solver(LinearizedSolver.ITERATIVE).build().fit(train);
        File f = dir.resolve("it.zip").toFile();
        lin.save(f);
        LinearizedNetwork back = LinearizedNetwork.load(f);
        assertEquals(LinearizedSolver.ITERATIVE, back.model().solver());
        assertEquals(lin.model().iterativeSolution().orElseThrow().relativeResidual(),
                back.model().iterativeSolution().orElseThrow().relativeResidual());
        assertBitIdentical(lin.output(xTest), back.output(xTest), "reloaded iterative fit");
    }
}
