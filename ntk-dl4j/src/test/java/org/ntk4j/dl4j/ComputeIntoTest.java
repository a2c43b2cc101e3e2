package org.ntk4j.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/**
 * {@link EmpiricalNtk#computeInto}: the kernel written into the caller's array equals finite differences (DOUBLE) and
 * {@code compute} exactly (FLOAT and DOUBLE), for the dense-chain path (symmetric and not, TRACE and FULL, tiled, an
 * element-wise output activation whose FULL term is diagonal, softmax), for c-ordered, f-ordered and view targets, and
 * for a network on the general engine; a wrong target is refused before anything is written.
 */
class ComputeIntoTest extends NtkTestBase {

    private static MultiLayerNetwork net(DataType type, Activation out, int o) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(23).dataType(type)
                .biasInit(0.1).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(o).activation(out).build())
                .build());
        n.init();
        return n;
    }

    private static INDArray nanFilled(DataType type, char order, long... shape) {
        return Nd4j.createUninitialized(type, shape, order).assign(Double.NaN);
    }

    @Test
    void matchesFiniteDifferencesSymmetricAndNotWithDiagonalAndSoftmaxOutputs() {
        DataType d = DataType.DOUBLE;
        for (Activation out : new Activation[]{Activation.SIGMOID, Activation.IDENTITY, Activation.SOFTMAX}) {
            int o = 3;
            MultiLayerNetwork n = net(d, out, o);
            INDArray x1 = TestNets.features(d, 3, 5, 4), x2 = TestNets.features(d, 4, 3, 4);
            INDArray self = FiniteDifferenceNtk.full(n, new INDArray[]{x1}, new INDArray[]{x1}, Set.of(), 1e-5);
            INDArray cross = FiniteDifferenceNtk.full(n, new INDArray[]{x1}, new INDArray[]{x2}, Set.of(), 1e-5);
            for (int block : new int[]{512, 2}) {
                for (OutputMode mode : OutputMode.values()) {
                    EmpiricalNtk ntk = EmpiricalNtk.builder().outputMode(mode).blockSize(block).build();
                    boolean full = mode == OutputMode.FULL;
                    String what = out + " " + mode + " block " + block;
                    INDArray k11 = nanFilled(d, 'c', full ? new long[]{5, 5, o, o} : new long[]{5, 5});
                    assertSame(k11, ntk.computeInto(n, x1, null, k11));
                    assertClose(full ? self : KernelLayout.traceOf(self), k11, Tolerances.DOUBLE.finiteDiff(), what);
                    INDArray k12 = nanFilled(d, 'c', full ? new long[]{5, 3, o, o} : new long[]{5, 3});
                    ntk.computeInto(n, x1, x2, k12);
                    assertClose(full ? cross : KernelLayout.traceOf(cross), k12, Tolerances.DOUBLE.finiteDiff(),
                            what + " x1, x2");
                }
            }
        }
    }

    @Test
    void equalsComputeExactlyInBothTypesForAnyTargetLayout() {
        for (DataType t : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            MultiLayerNetwork n = net(t, Activation.TANH, 2);
            INDArray x = TestNets.features(t, 5, 7, 4);
            for (OutputMode mode : OutputMode.values()) {
                for (int block : new int[]{512, 3}) {
                    EmpiricalNtk ntk = EmpiricalNtk.builder().outputMode(mode).blockSize(block).build();
                    INDArray expected = ntk.compute(n, x);
                    long[] shape = expected.shape();
                    String what = t + " " + mode + " block " + block;
                    assertEquals(expected, ntk.computeInto(n, x, null, nanFilled(t, 'c', shape)), what + " c order");
                    assertEquals(expected, ntk.computeInto(n, x, null, nanFilled(t, 'f', shape)), what + " f order");
                    // a view into a larger array: only the view is written
                    long[] bigShape = shape.clone();
                    bigShape[0] += 2;
                    INDArray big = nanFilled(t, 'c', bigShape);
                    INDArray view = big.get(NDArrayIndex.interval(1, 1 + shape[0]));
                    ntk.computeInto(n, x, null, view);
                    assertEquals(expected, view, what + " view");
                    assertTrue(big.get(NDArrayIndex.point(0)).isNaN().all(), what + ": rows outside the view untouched");
                    assertTrue(big.get(NDArrayIndex.point(bigShape[0] - 1)).isNaN().all(), what + ": last row untouched");
                }
            }
        }
    }

    @Test
    void generalEngineNetworksWriteTheSameKernel() {
        MultiLayerNetwork n = TestNets.cnn(DataType.DOUBLE);
        INDArray x1 = TestNets.features(DataType.DOUBLE, 6, 3, 1, 6, 6);
        INDArray x2 = TestNets.features(DataType.DOUBLE, 7, 2, 1, 6, 6);
        INDArray ref = FiniteDifferenceNtk.full(n, new INDArray[]{x1}, new INDArray[]{x2}, Set.of(), 1e-5);
        EmpiricalNtk ntk = EmpiricalNtk.builder().outputMode(OutputMode.FULL).build();
        INDArray k = ntk.computeInto(n, x1, x2, nanFilled(DataType.DOUBLE, 'c', 3, 2, 3, 3));
        assertClose(ref, k, Tolerances.DOUBLE.finiteDiff(), "cnn FULL");
        assertEquals(ntk.compute(n, x1, x2), k);
    }

    @Test
    void wrongTargetsAreRefusedBeforeAnythingIsWritten() {
        MultiLayerNetwork n = net(DataType.DOUBLE, Activation.IDENTITY, 2);
        INDArray x = TestNets.features(DataType.DOUBLE, 8, 4, 4);
        INDArray params = n.params().dup();
        EmpiricalNtk full = EmpiricalNtk.builder().outputMode(OutputMode.FULL).build();
        EmpiricalNtk trace = EmpiricalNtk.builder().build();
        INDArray wrongShape = nanFilled(DataType.DOUBLE, 'c', 4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> full.computeInto(n, x, null, wrongShape));
        assertTrue(e.getMessage().contains("expected a DOUBLE array [4, 4, 2, 2]") && e.getMessage().contains("[4, 4]"),
                e.getMessage());
        assertTrue(wrongShape.isNaN().all(), "nothing written");
        INDArray wrongType = nanFilled(DataType.FLOAT, 'c', 4, 4);
        e = assertThrows(IllegalArgumentException.class, () -> trace.computeInto(n, x, null, wrongType));
        assertTrue(e.getMessage().contains("network computes in DOUBLE") && e.getMessage().contains("got FLOAT"),
                e.getMessage());
        assertTrue(wrongType.isNaN().all(), "nothing written");
        e = assertThrows(IllegalArgumentException.class, () -> trace.computeInto(n, x, null, null));
        assertTrue(e.getMessage().contains("(got: null)"), e.getMessage());
        INDArray x2 = TestNets.features(DataType.DOUBLE, 9, 3, 4);
        INDArray square = nanFilled(DataType.DOUBLE, 'c', 4, 4);
        e = assertThrows(IllegalArgumentException.class, () -> trace.computeInto(n, x, x2, square));
        assertTrue(e.getMessage().contains("[4, 3]"), e.getMessage());
        assertEquals(params, n.params(), "parameters untouched");
    }
}
