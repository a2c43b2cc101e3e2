package org.ntk4j.core.analytic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;
import static org.ntk4j.core.testing.NtkAssertions.assertPsd;
import static org.ntk4j.core.testing.NtkAssertions.assertSymmetric;

/** Layer recursions of {@link FullyConnectedKernel} against hand-written formulas and invariants. */
class FullyConnectedKernelTest extends NtkTestBase {

    private static DenseLayerSpec layer(int width, double sw, double bias, Nonlinearity phi) {
        return DenseLayerSpec.builder(width).weightVariance(sw).biasMean(bias).activation(phi).build();
    }

    private static FullyConnectedKernel reluStack(Parameterization p, int d, int depth, int width, double sw, double sb2) {
        FullyConnectedKernel.Builder b = FullyConnectedKernel.builder(d).parameterization(p);
        for (int l = 0; l < depth; l++) {
            b.layer(DenseLayerSpec.builder(width).weightVariance(sw).biasVariance(sb2)
                    .activation(Nonlinearities.relu()).build());
        }
        return b.layer(DenseLayerSpec.builder(3).weightVariance(sw).biasVariance(sb2).build()).build();
    }

    @ParameterizedTest
    @EnumSource(Parameterization.class)
    void reluDiagonalFollowsTheVarianceRecursion(Parameterization p) {
        int d = 5;
        int width = 40;
        double sw = 2.0;
        double sb2 = 0.1;
        int depth = 4;
        INDArray x = randn(DataType.DOUBLE, 1, 6, d);
        KernelPair kp = reluStack(p, d, depth, width, sw, sb2).compute(x);
        for (int i = 0; i < 6; i++) {
            INDArray xi = x.getRow(i);
            double g = xi.mul(xi).sumNumber().doubleValue() / d;
            // q_l = variance of z_l; E[relu(z)^2] = q/2, E[relu'(z)^2] = 1/2 for centred z
            double q = sw * g + sb2;
            double theta = p == Parameterization.STANDARD ? g * d + 1 : sw * g + sb2;
            int prevWidth = width;
            for (int l = 1; l <= depth; l++) {
                double chat = q / 2;
                q = sw * chat + sb2;
                double a = p == Parameterization.STANDARD ? prevWidth : sw;
                double c = p == Parameterization.STANDARD ? 1 : sb2;
                theta = a * chat + c + sw * 0.5 * theta;
            }
            assertEquals(q, kp.nngp().getDouble(i, i), 1e-12 * q, "nngp diagonal " + i);
            assertEquals(theta, kp.ntk().getDouble(i, i), 1e-12 * theta, "ntk diagonal " + i);
        }
    }

    @Test
    void erfDiagonalFollowsTheVarianceRecursion() {
        int d = 3;
        double sw = 1.5;
        FullyConnectedKernel k = FullyConnectedKernel.builder(d)
                .layer(layer(10, sw, 0, Nonlinearities.erf()))
                .layer(layer(10, sw, 0, Nonlinearities.erf()))
                .layer(layer(1, sw, 0, Nonlinearities.identity()))
                .build();
        INDArray x = randn(DataType.DOUBLE, 2, 4, d);
        KernelPair kp = k.compute(x);
        for (int i = 0; i < 4; i++) {
            double q = sw * x.getRow(i).mul(x.getRow(i)).sumNumber().doubleValue() / d;
            for (int l = 0; l < 2; l++) {
                q = sw * (2 / Math.PI) * Math.asin(2 * q / (1 + 2 * q));
            }
            assertEquals(q, kp.nngp().getDouble(i, i), 1e-12 * q);
        }
    }

    @Test
    void linearNetworkWithBiasMeanMatchesHandFormula() {
        // z1 = x W1 + b1 (b1 = beta, width n1), z2 = z1 W2 + b2; identity activation, so E[z1 z1'] = K1 + beta^2
        int d = 4;
        int n1 = 7;
        double s1 = 1.3;
        double s2 = 0.7;
        double beta = 0.4;
        FullyConnectedKernel k = FullyConnectedKernel.builder(d)
                .layer(layer(n1, s1, beta, Nonlinearities.identity()))
                .layer(layer(2, s2, -0.2, Nonlinearities.identity()))
                .build();
        INDArray x1 = randn(DataType.DOUBLE, 3, 3, d);
        INDArray x2 = randn(DataType.DOUBLE, 4, 5, d);
        KernelPair kp = k.compute(x1, x2);
        assertEquals(-0.2, k.outputMean());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                double dot = x1.getRow(i).mul(x2.getRow(j)).sumNumber().doubleValue();
                double k1 = s1 * dot / d;
                double chat1 = k1 + beta * beta;
                double nngp = s2 * chat1;
                double ntk = (dot + 1) * s2 + n1 * chat1 + 1;
                assertEquals(nngp, kp.nngp().getDouble(i, j), 1e-12 * Math.max(1, Math.abs(nngp)));
                assertEquals(ntk, kp.ntk().getDouble(i, j), 1e-12 * Math.abs(ntk));
            }
        }
    }

    @Test
    void symmetricAndPsdForSeveralStacks() {
        INDArray x = randn(DataType.DOUBLE, 5, 12, 3);
        FullyConnectedKernel[] stacks = {
                reluStack(Parameterization.STANDARD, 3, 3, 64, 2.0, 0.0),
                FullyConnectedKernel.builder(3)
                        .layer(layer(32, 1.0, 0.3, Nonlinearities.tanh()))
                        .layer(layer(32, 1.0, -0.2, Nonlinearities.tanh()))
                        .layer(layer(1, 1.0, 0.1, Nonlinearities.identity())).build(),
                FullyConnectedKernel.builder(3).parameterization(Parameterization.NTK)
                        .layer(layer(8, 2.0, 0.0, Nonlinearities.erf()))
                        .layer(layer(8, 2.0, 0.5, Nonlinearities.leakyRelu(0.2)))
                        .layer(layer(1, 1.0, 0.0, Nonlinearities.identity())).build()};
        for (FullyConnectedKernel k : stacks) {
            KernelPair kp = k.compute(x);
            assertSymmetric(kp.nngp(), 0.0, k + " nngp");
            assertSymmetric(kp.ntk(), 0.0, k + " ntk");
            assertPsd(kp.nngp(), 1e-10, k + " nngp");
            assertPsd(kp.ntk(), 1e-10, k + " ntk");
        }
    }

    @Test
    void crossKernelIsTheBlockOfTheJointKernelAndTilingChangesNothing() {
        FullyConnectedKernel k = FullyConnectedKernel.builder(4)
                .layer(layer(16, 1.0, 0.2, Nonlinearities.tanh()))
                .layer(layer(16, 2.0, 0.0, Nonlinearities.relu()))
                .layer(layer(1, 1.0, 0.0, Nonlinearities.identity())).build();
        FullyConnectedKernel tiny = FullyConnectedKernel.builder(4).tileSize(3)
                .layer(layer(16, 1.0, 0.2, Nonlinearities.tanh()))
                .layer(layer(16, 2.0, 0.0, Nonlinearities.relu()))
                .layer(layer(1, 1.0, 0.0, Nonlinearities.identity())).build();
        INDArray x1 = randn(DataType.DOUBLE, 6, 7, 4);
        INDArray x2 = randn(DataType.DOUBLE, 7, 5, 4);
        INDArray both = Nd4j.vstack(x1, x2);
        KernelPair joint = k.compute(both);
        KernelPair cross = k.compute(x1, x2);
        INDArray block = joint.ntk().get(NDArrayIndex.interval(0, 7), NDArrayIndex.interval(7, 12));
        double tol = tol(DataType.DOUBLE).exact();
        assertClose(block, cross.ntk(), tol, "cross ntk");
        assertClose(joint.nngp().get(NDArrayIndex.interval(0, 7), NDArrayIndex.interval(7, 12)), cross.nngp(), tol,
                "cross nngp");
        KernelPair tiled = tiny.compute(both);
        assertClose(joint.ntk(), tiled.ntk(), tol, "tiled ntk");
        assertClose(joint.nngp(), tiled.nngp(), tol, "tiled nngp");
        assertSymmetric(tiled.ntk(), 0.0, "tiled ntk");
        KernelPair tiledCross = tiny.compute(x1, x2);
        assertClose(cross.ntk(), tiledCross.ntk(), tol, "tiled cross ntk");
    }

    @Test
    void floatInputGivesFloatResultCloseToDouble() {
        FullyConnectedKernel k = reluStack(Parameterization.STANDARD, 3, 2, 50, 2.0, 0.0);
        INDArray x = randn(DataType.DOUBLE, 8, 9, 3);
        KernelPair d = k.compute(x);
        KernelPair f = k.compute(x.castTo(DataType.FLOAT));
        assertEquals(DataType.FLOAT, f.ntk().dataType());
        assertEquals(DataType.FLOAT, f.nngp().dataType());
        assertEquals(DataType.DOUBLE, d.ntk().dataType());
        assertClose(d.ntk(), f.ntk(), tol(DataType.FLOAT).crossType(), "float ntk");
        assertClose(d.nngp(), f.nngp(), tol(DataType.FLOAT).crossType(), "float nngp");
        assertPsd(f.ntk(), tol(DataType.FLOAT).exact(), "float ntk");
    }

    @Test
    void deepStacksStayFinite() {
        INDArray x = randn(DataType.DOUBLE, 9, 6, 3);
        Nonlinearity[] phis = {Nonlinearities.relu(), Nonlinearities.tanh(), Nonlinearities.erf(),
                Nonlinearities.abs(), Nonlinearities.sigmoid()};
        for (Parameterization p : Parameterization.values()) {
            for (Nonlinearity phi : phis) {
                FullyConnectedKernel.Builder b = FullyConnectedKernel.builder(3).parameterization(p);
                for (int l = 0; l < 50; l++) {
                    b.layer(DenseLayerSpec.builder(64).weightVariance(2.0).biasMean(l % 2 == 0 ? 0.0 : 0.1)
                            .biasVariance(0.05).activation(phi).build());
                }
                KernelPair kp = b.layer(DenseLayerSpec.builder(1).build()).quadratureDegree(10).build().compute(x);
                for (INDArray a : new INDArray[]{kp.nngp(), kp.ntk()}) {
                    assertFalse(BooleanIndexing.or(a, Conditions.isNan()), phi.name() + " " + p + " NaN");
                    assertFalse(BooleanIndexing.or(a, Conditions.isInfinite()), phi.name() + " " + p + " Inf");
                }
                assertTrue(kp.ntk().getDouble(0, 0) > 0, phi.name() + " " + p + " ntk diagonal > 0");
            }
        }
    }

    @Test
    void singleLayerKernelsAreExact() {
        INDArray x1 = randn(DataType.DOUBLE, 10, 3, 4);
        INDArray x2 = randn(DataType.DOUBLE, 11, 2, 4);
        INDArray dot = x1.mmul(x2.transpose());
        DenseLayerSpec only = DenseLayerSpec.builder(5).weightVariance(1.7).biasMean(0.3).biasVariance(0.2).build();
        KernelPair std = FullyConnectedKernel.builder(4).layer(only).build().compute(x1, x2);
        KernelPair ntk = FullyConnectedKernel.builder(4).parameterization(Parameterization.NTK).layer(only).build()
                .compute(x1, x2);
        double tol = tol(DataType.DOUBLE).exact();
        assertClose(dot.add(1.0), std.ntk(), tol, "standard: <x,x'> + 1");
        assertClose(dot.mul(1.7 / 4).add(0.2), ntk.ntk(), tol, "ntk: sw <x,x'>/d + sb2");
        assertClose(dot.mul(1.7 / 4).add(0.2), std.nngp(), tol, "nngp");
    }

    @Test
    void badInputsGiveClearMessages() {
        FullyConnectedKernel k = reluStack(Parameterization.STANDARD, 3, 1, 8, 2.0, 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.compute(Nd4j.zeros(DataType.DOUBLE, 4, 5)));
        assertTrue(e.getMessage().contains("expected x1 of shape [n, 3], got [4, 5]"), e.getMessage());
        INDArray nan = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        nan.putScalar(1, 1, Double.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> k.compute(nan));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.compute(Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.zeros(DataType.FLOAT, 2, 3)));
        assertTrue(e.getMessage().contains("same data type"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FullyConnectedKernel.builder(3).build());
        assertTrue(e.getMessage().contains("at least one layer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FullyConnectedKernel.builder(3)
                .layer(DenseLayerSpec.builder(2).build()).quadratureDegree(1).build());
        assertTrue(e.getMessage().contains("(got: 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DenseLayerSpec.builder(2).weightVariance(-1).build());
        assertTrue(e.getMessage().contains("weightVariance"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DenseLayerSpec.builder(0).build());
        assertTrue(e.getMessage().contains("width"), e.getMessage());
    }

    @Test
    void nullArgumentsAreIllegalArgumentsNamingTheArgument() {
        FullyConnectedKernel k = reluStack(Parameterization.STANDARD, 3, 1, 8, 2.0, 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.compute(null));
        assertTrue(e.getMessage().contains("x1 must not be null (got: null)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FullyConnectedKernel.builder(3).layer(null));
        assertTrue(e.getMessage().contains("layer 1 must not be null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FullyConnectedKernel.builder(3).parameterization(null));
        assertTrue(e.getMessage().contains("parameterization must not be null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FullyConnectedKernel.builder(3).memoryBudget(null));
        assertTrue(e.getMessage().contains("memoryBudget must not be null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DenseLayerSpec.builder(2).activation(null).build());
        assertTrue(e.getMessage().contains("activation must not be null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Nonlinearities.piecewiseLinear(null));
        assertTrue(e.getMessage().contains("(got: null)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Nonlinearity.of("f", null, z -> 1.0));
        assertTrue(e.getMessage().contains("value null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Nonlinearity.of("f", z -> z, z -> 1.0, null, 1.0));
        assertTrue(e.getMessage().contains("breakpoints must not be null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new KernelPair(null, null, 0.0));
        assertTrue(e.getMessage().contains("must not be null"), e.getMessage());
    }
}
