package org.ntk4j.dl4j.internal;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.ntk4j.dl4j.internal.ChecksTest.assertExactMessage;

/**
 * The shared feature checks and the scalar checks added with them: exact messages (texts written out here), and the
 * memory budget set the same way on the builders.
 */
class FeaturesTest extends NtkTestBase {

    @Test
    void shapesAreWrittenWithTheExampleDimensionAsN() {
        assertEquals("[n, 3]", Features.shape(new long[]{3}));
        assertEquals("[n, 2, ?, 5]", Features.shape(new long[]{2, -1, 5}));
        assertEquals("[n]", Features.shape(new long[0]));
        assertEquals("[n, 4, 7]", Features.shapeOf(Nd4j.zeros(DataType.DOUBLE, 9, 4, 7)));
    }

    @Test
    void checkNamesTheExpectedShapeAndWhatCame() {
        INDArray ok = randn(DataType.DOUBLE, 1, 4, 3);
        assertSame(ok, Features.check("x1", ok, new long[]{3}, " for placeholder 'in'"));
        assertSame(ok, Features.check("x1", ok, new long[]{-1}, ""));
        INDArray empty = Nd4j.create(DataType.DOUBLE, 0, 3);
        assertSame(empty, Features.check("x2", empty, new long[]{3}, ""));
        assertExactMessage("expected features [n, 3] for placeholder 'in', got [n, 4] for x2",
                () -> Features.check("x2", randn(DataType.DOUBLE, 2, 5, 4), new long[]{3}, " for placeholder 'in'"));
        assertExactMessage("expected features [n, 3], got [n] for x1",
                () -> Features.check("x1", randn(DataType.DOUBLE, 2, 5), new long[]{3}, ""));
        assertExactMessage("x1 must not be null: expected features [n, 3] for placeholder 'in'",
                () -> Features.check("x1", null, new long[]{3}, " for placeholder 'in'"));
        for (DataType t : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray nan = randn(t, 3, 4, 3);
            nan.putScalar(2, 1, Double.POSITIVE_INFINITY);
            assertExactMessage("x1 contains NaN or infinite values; clean or impute the features first",
                    () -> Features.check("x1", nan, new long[]{3}, ""));
        }
        INDArray ints = Nd4j.createFromArray(new int[][]{{1, 2, 3}});
        assertSame(ints, Features.requireFinite("x1", ints));
    }

    @Test
    void realArgumentsMustBeFinite() {
        assertEquals(0.5, Checks.positiveFinite("learningRate", 0.5));
        assertEquals(0.0, Checks.nonNegativeFinite("diagReg", 0.0));
        assertExactMessage("learningRate must be finite and > 0 (got: 0.0)", () -> Checks.positiveFinite("learningRate", 0));
        assertExactMessage("learningRate must be finite and > 0 (got: NaN)",
                () -> Checks.positiveFinite("learningRate", Double.NaN));
        assertExactMessage("learningRate must be finite and > 0 (got: Infinity)",
                () -> Checks.positiveFinite("learningRate", Double.POSITIVE_INFINITY));
        assertExactMessage("diagReg must be finite and >= 0 (got: -0.001)", () -> Checks.nonNegativeFinite("diagReg", -1e-3));
        assertExactMessage("diagReg must be finite and >= 0 (got: Infinity)",
                () -> Checks.nonNegativeFinite("diagReg", Double.POSITIVE_INFINITY));
        assertExactMessage("steps must be >= 1 (got: 0)", () -> Checks.atLeastOne("steps", 0));
        assertExactMessage("blockSize must be > 0 (got: -3)", () -> Checks.positive("blockSize", -3));
    }

    @Test
    void theMemoryBudgetIsSetTheSameWayOnTheBuilders() {
        MemoryBudget small = MemoryBudget.ofBytes(1000);
        EmpiricalNtk ntk = EmpiricalNtk.builder().memoryBudget(small).build();
        assertSame(small, ntk.memoryBudget());
        assertEquals(1000, EmpiricalNtk.builder().memoryBudgetBytes(1000).build().memoryBudget().bytes());
        assertExactMessage("memoryBudget must not be null (got: null)", () -> EmpiricalNtk.builder().memoryBudget(null));
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list()
                        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(3).nOut(8).build())
                        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nIn(8).nOut(2)
                                .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                        .build());
        net.init();
        assertThrows(MemoryBudgetExceededException.class, () -> ntk.compute(net, randn(DataType.DOUBLE, 4, 40, 3)));
    }
}
