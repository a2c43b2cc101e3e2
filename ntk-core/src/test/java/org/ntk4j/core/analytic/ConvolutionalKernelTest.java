package org.ntk4j.core.analytic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;
import static org.ntk4j.core.testing.NtkAssertions.assertPsd;

/**
 * {@link ConvolutionalKernel} against {@code src/test/resources/cntk/cntk_reference.py} (joint covariance over all
 * images and pixels with explicit patch-selection matrices), against {@link FullyConnectedKernel} on 1×1 images, and
 * its invariants.
 */
class ConvolutionalKernelTest extends NtkTestBase {
    private static final Map<String, INDArray> GOLDEN = load();

    private static Map<String, INDArray> load() {
        try (InputStream in = ConvolutionalKernelTest.class.getResourceAsStream("/cntk/cntk_golden.txt")) {
            Map<String, INDArray> m = new HashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                long[] shape = Arrays.stream(parts[1].split(",")).mapToLong(Long::parseLong).toArray();
                double[] v = new double[parts.length - 2];
                for (int i = 0; i < v.length; i++) {
                    v[i] = Double.parseDouble(parts[i + 2]);
                }
                m.put(parts[0], Nd4j.create(v, shape, 'c'));
            }
            return m;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConvLayerSpec.Builder conv(int ch, int kh, int kw, Nonlinearity phi, double sw) {
        return ConvLayerSpec.builder(ch, kh, kw).activation(phi).weightVariance(sw);
    }

    /** The same cases as CASES in cntk_reference.py. */
    static ConvolutionalKernel kernel(String name) {
        Nonlinearity relu = Nonlinearities.relu();
        Nonlinearity erf = Nonlinearities.erf();
        Nonlinearity id = Nonlinearities.identity();
        return switch (name) {
            case "relu_flatten" -> ConvolutionalKernel.builder(2)
                    .conv(conv(7, 3, 3, relu, 2.0).samePadding().build())
                    .conv(conv(5, 2, 2, relu, 1.7).stride(2, 2).padding(1, 1).build())
                    .readout(Readout.FLATTEN)
                    .dense(DenseLayerSpec.builder(9).weightVariance(2.0).activation(relu).build())
                    .dense(DenseLayerSpec.builder(3).weightVariance(1.3).build())
                    .build();
            case "erf_pool_gap" -> ConvolutionalKernel.builder(3).parameterization(Parameterization.NTK)
                    .conv(conv(4, 3, 2, erf, 1.5).dilation(2, 1).samePadding().biasVariance(0.2).build())
                    .avgPool(new AvgPoolSpec(2, 2, 2, 2, 1, 1, true, 0, 0, false))
                    .conv(conv(6, 2, 2, erf, 0.8).padding(1, 0).biasVariance(0.1).build())
                    .readout(Readout.GLOBAL_AVERAGE)
                    .dense(DenseLayerSpec.builder(1).weightVariance(1.1).biasVariance(0.3).build())
                    .build();
            case "identity_sum_nhwc" -> ConvolutionalKernel.builder(2).channelsLast(true)
                    .conv(conv(3, 3, 3, id, 1.0).samePadding().biasMean(0.3).build())
                    .conv(conv(3, 2, 3, id, 0.6).stride(1, 2).biasMean(-0.2).build())
                    .readout(Readout.GLOBAL_SUM)
                    .dense(DenseLayerSpec.builder(2).weightVariance(0.9).build())
                    .build();
            case "relu_pool_flatten" -> ConvolutionalKernel.builder(1)
                    .conv(conv(4, 3, 3, relu, 2.0).padding(1, 1).bias(false).build())
                    .avgPool(new AvgPoolSpec(3, 3, 2, 2, 1, 1, false, 1, 1, true))
                    .conv(conv(5, 2, 2, relu, 2.0).samePadding().stride(2, 2).build())
                    .readout(Readout.FLATTEN)
                    .dense(DenseLayerSpec.builder(1).weightVariance(1.0).build())
                    .build();
            case "tanh_pool_gap" -> ConvolutionalKernel.builder(1)
                    .conv(conv(3, 3, 3, Nonlinearities.tanh(), 1.8).samePadding().biasVariance(0.1).biasMean(0.2).build())
                    .avgPool(new AvgPoolSpec(2, 2, 1, 1, 1, 1, false, 0, 0, true))
                    .conv(conv(4, 2, 2, Nonlinearities.tanh(), 1.2).samePadding().biasMean(-0.1).build())
                    .readout(Readout.GLOBAL_AVERAGE)
                    .dense(DenseLayerSpec.builder(1).weightVariance(1.0).build())
                    .build();
            case "selu_flatten" -> ConvolutionalKernel.builder(2).parameterization(Parameterization.NTK)
                    .conv(conv(5, 3, 3, Nonlinearities.selu(), 1.0).samePadding().biasVariance(0.05).build())
                    .conv(conv(4, 2, 2, Nonlinearities.selu(), 1.4).build())
                    .readout(Readout.FLATTEN)
                    .dense(DenseLayerSpec.builder(6).weightVariance(1.0).biasVariance(0.1)
                            .activation(Nonlinearities.selu()).build())
                    .dense(DenseLayerSpec.builder(2).weightVariance(0.9).build())
                    .build();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu_flatten", "erf_pool_gap", "identity_sum_nhwc", "relu_pool_flatten"})
    void matchesTheNumpyReferenceInDouble(String name) {
        ConvolutionalKernel k = kernel(name);
        INDArray x1 = GOLDEN.get(name + ".x1");
        INDArray x2 = GOLDEN.get(name + ".x2");
        KernelPair k12 = k.compute(x1, x2);
        KernelPair k11 = k.compute(x1);
        assertClose(GOLDEN.get(name + ".nngp12"), k12.nngp(), 1e-10, name + " nngp x1,x2");
        assertClose(GOLDEN.get(name + ".ntk12"), k12.ntk(), 1e-10, name + " ntk x1,x2");
        assertClose(GOLDEN.get(name + ".nngp11"), k11.nngp(), 1e-10, name + " nngp x1,x1");
        assertClose(GOLDEN.get(name + ".ntk11"), k11.ntk(), 1e-10, name + " ntk x1,x1");
        assertEquals(name.contains("pool") || !name.contains("flatten"), k.fullCovariance(), "representation");
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu_flatten", "erf_pool_gap", "identity_sum_nhwc", "relu_pool_flatten"})
    void matchesTheNumpyReferenceInFloat(String name) {
        ConvolutionalKernel k = kernel(name);
        INDArray x1 = GOLDEN.get(name + ".x1").castTo(DataType.FLOAT);
        INDArray x2 = GOLDEN.get(name + ".x2").castTo(DataType.FLOAT);
        KernelPair k12 = k.compute(x1, x2);
        assertEquals(DataType.FLOAT, k12.ntk().dataType());
        assertClose(GOLDEN.get(name + ".nngp12"), k12.nngp(), tol(DataType.FLOAT).exact(), name + " nngp (FLOAT)");
        assertClose(GOLDEN.get(name + ".ntk12"), k12.ntk(), tol(DataType.FLOAT).exact(), name + " ntk (FLOAT)");
    }

    /**
     * Activations without a closed form go through the error-controlled rule of the dense kernels, per pixel pair:
     * within the default tolerance (1e-6) of the script's independent high-accuracy integration (measured: within
     * 3e-10), with an estimate that covers the error, in DOUBLE and FLOAT.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tanh_pool_gap", "selu_flatten"})
    void numericalActivationsMatchTheHighAccuracyReference(String name) {
        ConvolutionalKernel k = kernel(name);
        assertEquals(FullyConnectedKernel.DEFAULT_TOLERANCE, k.tolerance());
        INDArray x1 = GOLDEN.get(name + ".x1");
        INDArray x2 = GOLDEN.get(name + ".x2");
        KernelPair k12 = k.compute(x1, x2);
        KernelPair k11 = k.compute(x1);
        double est = Math.max(k12.errorEstimate(), k11.errorEstimate());
        assertTrue(est > 0 && est <= 1e-6, name + " estimate " + est);
        // measured: 1e-12 .. 3e-10 against estimates of 1e-8 .. 2e-7; the contract is the tolerance 1e-6
        double tol = 1e-8;
        assertClose(GOLDEN.get(name + ".nngp12"), k12.nngp(), tol, name + " nngp x1,x2");
        assertClose(GOLDEN.get(name + ".ntk12"), k12.ntk(), tol, name + " ntk x1,x2");
        assertClose(GOLDEN.get(name + ".nngp11"), k11.nngp(), tol, name + " nngp x1,x1");
        assertClose(GOLDEN.get(name + ".ntk11"), k11.ntk(), tol, name + " ntk x1,x1");
        KernelPair f = k.compute(x1.castTo(DataType.FLOAT), x2.castTo(DataType.FLOAT));
        assertClose(GOLDEN.get(name + ".ntk12"), f.ntk(), tol(DataType.FLOAT).exact(), name + " ntk (FLOAT)");
        // the expert fixed rule at a low degree is visibly worse: the comparison can fail
        KernelPair coarse = k.toBuilder().quadratureDegree(3).build().compute(x1, x2);
        assertTrue(org.ntk4j.core.testing.NtkAssertions.relativeError(coarse.ntk(), GOLDEN.get(name + ".ntk12")) > 1e-4,
                "degree 3 should miss the reference");
    }

    /**
     * The estimate is honest: it bounds the error against the script's independent high-accuracy integration, relative
     * to each entry's Cauchy–Schwarz scale (as the estimate is defined), for the self and the cross kernels; and it is
     * not absurdly loose (within the tolerance, and at most 1e5 times the true error, which is ≈ 1e-12..3e-10).
     */
    @ParameterizedTest
    @ValueSource(strings = {"tanh_pool_gap", "selu_flatten"})
    void theEstimateBoundsTheTrueErrorOnTheReference(String name) {
        ConvolutionalKernel k = kernel(name);
        INDArray x1 = GOLDEN.get(name + ".x1");
        INDArray x2 = GOLDEN.get(name + ".x2");
        KernelPair k11 = k.compute(x1);
        KernelPair k12 = k.compute(x1, x2);
        KernelPair k22 = k.compute(x2);
        double worst = 0;
        for (String which : new String[]{"nngp", "ntk"}) {
            INDArray ref11 = GOLDEN.get(name + "." + which + "11");
            INDArray ref12 = GOLDEN.get(name + "." + which + "12");
            INDArray got11 = which.equals("nngp") ? k11.nngp() : k11.ntk();
            INDArray got12 = which.equals("nngp") ? k12.nngp() : k12.ntk();
            INDArray self2 = which.equals("nngp") ? k22.nngp() : k22.ntk();
            for (int i = 0; i < ref11.rows(); i++) {
                for (int j = 0; j < ref11.columns(); j++) {
                    double scale = Math.sqrt(ref11.getDouble(i, i) * ref11.getDouble(j, j));
                    worst = Math.max(worst, Math.abs(got11.getDouble(i, j) - ref11.getDouble(i, j)) / scale);
                }
                for (int j = 0; j < ref12.columns(); j++) {
                    double scale = Math.sqrt(ref11.getDouble(i, i) * self2.getDouble(j, j));
                    worst = Math.max(worst, Math.abs(got12.getDouble(i, j) - ref12.getDouble(i, j)) / scale);
                }
            }
        }
        double est = Math.min(k11.errorEstimate(), k12.errorEstimate());
        assertTrue(worst <= est, name + ": error " + worst + " above the estimate " + est);
        assertTrue(Math.max(k11.errorEstimate(), k12.errorEstimate()) <= 1e-6, name + " estimate within the tolerance");
        assertTrue(est <= 1e5 * Math.max(worst, 1e-13), name + ": estimate " + est + " vs error " + worst);
    }

    @Test
    void nullArgumentsAreRefusedByName() {
        ConvolutionalKernel.Builder b = ConvolutionalKernel.builder(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.readout(null));
        assertEquals("readout must not be null (got: null); pass e.g. Readout.FLATTEN", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.conv(null)).getMessage().startsWith("conv "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.avgPool(null)).getMessage()
                .startsWith("avgPool "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.dense(null)).getMessage().startsWith("dense "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.parameterization(null)).getMessage()
                .startsWith("parameterization "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.memoryBudget(null)).getMessage()
                .startsWith("memoryBudget "));
        e = assertThrows(IllegalArgumentException.class, () -> ConvLayerSpec.builder(2, 3, 3).activation(null).build());
        assertEquals("activation must not be null (got: null); pass e.g. Nonlinearities.relu()", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AvgPoolSpec.of(0, 2));
        assertEquals("kernelH must be >= 1 (got: 0)", e.getMessage());
    }

    @Test
    void aMissedToleranceIsRefusedByName() {
        ConvolutionalKernel k = kernel("tanh_pool_gap").toBuilder().tolerance(1e-12).build();
        INDArray x = GOLDEN.get("tanh_pool_gap.x1");
        ToleranceNotMetException e = assertThrows(ToleranceNotMetException.class, () -> k.compute(x));
        assertTrue(e.getMessage().startsWith("estimated error ") && e.getMessage().contains("exceeds the tolerance 1.0e-12"),
                e.getMessage());
        KernelPair warned = k.toBuilder().warnOnly(true).build().compute(x);
        assertTrue(warned.errorEstimate() > 1e-12, "estimate returned");
    }

    @Test
    void tiledSequentialAndParallelAgreeBitForBit() {
        ConvolutionalKernel k = kernel("erf_pool_gap");
        INDArray x = randn(DataType.DOUBLE, 3, 7, 3, 6, 5);
        KernelPair whole = k.compute(x);
        KernelPair tiled = k.toBuilder().tileSize(2).parallel(false).build().compute(x);
        assertEquals(whole.ntk(), tiled.ntk());
        assertEquals(whole.nngp(), tiled.nngp());
        // the error-controlled rule too (tables per example, the same per-pair rule whatever the tiling)
        ConvolutionalKernel tanh = kernel("tanh_pool_gap");
        INDArray y = randn(DataType.DOUBLE, 4, 5, 1, 4, 4);
        KernelPair tw = tanh.compute(y);
        KernelPair tt = tanh.toBuilder().tileSize(2).parallel(false).build().compute(y);
        assertEquals(tw.ntk(), tt.ntk());
        assertEquals(tw.nngp(), tt.nngp());
        assertEquals(tw.errorEstimate(), tt.errorEstimate());
        assertPsd(whole.ntk(), 1e-10, "ntk");
        assertPsd(whole.nngp(), 1e-10, "nngp");
        // x1 != x2 blocks equal the corresponding block of the symmetric kernel
        INDArray a = x.get(NDArrayIndex.interval(0, 3), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray b = x.get(NDArrayIndex.interval(3, 7), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        KernelPair ab = k.toBuilder().tileSize(2).build().compute(a, b);
        assertClose(whole.ntk().get(NDArrayIndex.interval(0, 3), NDArrayIndex.interval(3, 7)), ab.ntk(), 1e-14, "block");
    }

    @ParameterizedTest
    @ValueSource(strings = {"STANDARD", "NTK"})
    void oneByOneImagesGiveTheDenseKernel(String p) {
        Parameterization par = Parameterization.valueOf(p);
        Nonlinearity relu = Nonlinearities.relu();
        Nonlinearity tanh = Nonlinearities.tanh();
        ConvolutionalKernel conv = ConvolutionalKernel.builder(4).parameterization(par)
                .conv(ConvLayerSpec.builder(6, 1, 1).weightVariance(2).biasMean(0.1).activation(relu).build())
                .conv(ConvLayerSpec.builder(5, 1, 1).weightVariance(1.5).biasVariance(0.2).activation(tanh).build())
                .readout(Readout.FLATTEN)
                .dense(DenseLayerSpec.builder(2).weightVariance(1.2).build())
                .build();
        // tanh through the error-controlled rule in both (the same per-variance tables and pair rule)
        FullyConnectedKernel dense = FullyConnectedKernel.builder(4).parameterization(par)
                .layer(DenseLayerSpec.builder(6).weightVariance(2).biasMean(0.1).activation(relu).build())
                .layer(DenseLayerSpec.builder(5).weightVariance(1.5).biasVariance(0.2).activation(tanh).build())
                .layer(DenseLayerSpec.builder(2).weightVariance(1.2).build())
                .build();
        INDArray x = randn(DataType.DOUBLE, 5, 6, 4);
        KernelPair c = conv.compute(x.reshape(6, 4, 1, 1));
        KernelPair d = dense.compute(x);
        assertClose(d.nngp(), c.nngp(), 1e-12, "nngp");
        assertClose(d.ntk(), c.ntk(), 1e-12, "ntk");
        assertTrue(c.errorEstimate() > 0 && c.errorEstimate() <= conv.tolerance(), "estimate " + c.errorEstimate());
        // and the expert fixed rule in both
        KernelPair cq = conv.toBuilder().quadratureDegree(30).build().compute(x.reshape(6, 4, 1, 1));
        KernelPair dq = FullyConnectedKernel.builder(4).parameterization(par).quadratureDegree(30)
                .layer(dense.layers().get(0)).layer(dense.layers().get(1)).layer(dense.layers().get(2)).build()
                .compute(x);
        assertClose(dq.ntk(), cq.ntk(), 1e-12, "ntk, fixed rule");
        assertTrue(Double.isNaN(cq.errorEstimate()), "no estimate with the fixed rule");
        // a global average of a 1x1 image is the image itself
        KernelPair g = conv.toBuilder().readout(Readout.GLOBAL_AVERAGE).build().compute(x.reshape(6, 4, 1, 1));
        assertClose(d.ntk(), g.ntk(), 1e-12, "ntk through a global average");
    }

    @Test
    void badInputGetsOneClearLine() {
        ConvolutionalKernel k = kernel("relu_flatten");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.compute(Nd4j.zeros(DataType.DOUBLE, 2, 3, 5, 6)));
        assertEquals("expected x1 of shape [n, 2, H, W], got [2, 3, 5, 6]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> kernel("erf_pool_gap").compute(Nd4j.zeros(DataType.DOUBLE, 2, 3, 6, 1)));
        assertEquals("convolutional stage 2 (width): input size 1 is too small for kernel 2 (dilation 1, padding 0); "
                + "use larger images, more padding or SAME padding", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.compute(Nd4j.zeros(DataType.DOUBLE, 2, 30)));
        assertTrue(e.getMessage().startsWith("expected x1 of shape"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvolutionalKernel.builder(1).build());
        assertThrows(IllegalArgumentException.class, () -> ConvLayerSpec.builder(0, 3, 3).build());
    }

    @Test
    void aKernelOverTheMemoryBudgetIsRefusedBeforeAllocating() {
        INDArray x = GOLDEN.get("tanh_pool_gap.x1");
        ConvolutionalKernel k = kernel("tanh_pool_gap").toBuilder()
                .memoryBudget(org.ntk4j.core.kernel.MemoryBudget.ofBytes(20_000)).build();
        org.ntk4j.core.kernel.MemoryBudgetExceededException e = assertThrows(
                org.ntk4j.core.kernel.MemoryBudgetExceededException.class, () -> k.compute(x));
        assertTrue(e.getMessage().startsWith("convolutional analytic kernels needs about ")
                && e.getMessage().endsWith("compute the kernel in blocks of rows, use smaller images or FLOAT"),
                e.getMessage());
        // the per-image coefficient rows of the error-controlled rule are counted: the closed-form kernel of the same
        // geometry fits a budget that the tanh kernel does not
        long tanhNeeds = needs(kernel("tanh_pool_gap"), x);
        long idNeeds = needs(ConvolutionalKernel.builder(1)
                .conv(conv(3, 3, 3, Nonlinearities.identity(), 1.8).samePadding().build())
                .avgPool(new AvgPoolSpec(2, 2, 1, 1, 1, 1, false, 0, 0, true))
                .conv(conv(4, 2, 2, Nonlinearities.identity(), 1.2).samePadding().build())
                .readout(Readout.GLOBAL_AVERAGE).dense(DenseLayerSpec.builder(1).build()).build(), x);
        assertTrue(tanhNeeds > idNeeds, tanhNeeds + " vs " + idNeeds);
    }

    private static long needs(ConvolutionalKernel k, INDArray x) {
        try {
            k.toBuilder().memoryBudget(org.ntk4j.core.kernel.MemoryBudget.ofBytes(1)).build().compute(x);
        } catch (org.ntk4j.core.kernel.MemoryBudgetExceededException e) {
            String m = e.getMessage();
            return Long.parseLong(m.substring(m.indexOf('(') + 1, m.indexOf(" bytes)")));
        }
        throw new AssertionError("a 1-byte budget was accepted");
    }

    @Test
    void readoutShapeFollowsTheGeometry() {
        assertEquals("[5, 3, 4]", Arrays.toString(kernel("relu_flatten").readoutShape(5, 6)));
        assertEquals("[5, 2, 2]", Arrays.toString(kernel("relu_pool_flatten").readoutShape(6, 6)));
    }
}
