package org.ntk4j.dl4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.core.testing.Tolerances;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;
import static org.ntk4j.core.testing.NtkAssertions.assertPsd;
import static org.ntk4j.core.testing.NtkAssertions.assertSymmetric;

/**
 * The contract every empirical NTK of ntk4j keeps, whatever computes it (as EJML's generic Cholesky tests run one set
 * of checks against every decomposition): symmetric and positive semi-definite; {@code x2 = null} is {@code x1};
 * tiled equals untiled; the cross kernel is the off-diagonal block of the joint one; TRACE is the mean of FULL's
 * diagonal output blocks; FLOAT agrees with DOUBLE; empty inputs give empty kernels; and the kernel equals the
 * independent reference {@code J·J'ᵀ} of central finite differences. One subclass per implementation; tolerances
 * come from the one table, {@link Tolerances}.
 */
public abstract class KernelContract extends NtkTestBase {
    /** Step of the central finite differences (DOUBLE). */
    protected static final double H = 1e-5;

    /**
     * One kernel under test, bound to one network or graph. The subjects of {@link #subjects} for FLOAT and for
     * DOUBLE are the same networks (the FLOAT one holds the DOUBLE one's parameters, cast), in the same order.
     */
    public interface Subject {
        /** @return a name for messages */
        String name();

        /** @return the shape of one example's features (without the example dimension) */
        long[] featureShape();

        /** @return o, outputs per example */
        int outputs();

        /**
         * @param mode      TRACE or FULL
         * @param blockSize examples per tile
         * @param x1        features {@code [n1, ...]}
         * @param x2        features {@code [n2, ...]}, or null for {@code x1}
         * @return the kernel
         */
        INDArray compute(OutputMode mode, int blockSize, INDArray x1, INDArray x2);

        /**
         * @param x1 features (DOUBLE)
         * @param x2 features (DOUBLE)
         * @return the FULL kernel {@code [n1, n2, o, o]} from central finite differences of the output w.r.t. every
         *         trainable parameter (only called on DOUBLE subjects)
         */
        INDArray finiteDifferences(INDArray x1, INDArray x2);
    }

    /**
     * @param type FLOAT or DOUBLE
     * @return the kernels under test in that type
     */
    protected abstract List<Subject> subjects(DataType type);

    /**
     * @return the factor on the type's exact tolerance that an eigenvalue may fall below zero (relative to the largest):
     *         the rounding of {@code J·Jᵀ} summed over many units
     */
    protected double psdSlack() {
        return 10;
    }

    /** @return {@code n} examples of N(0, 1) features for the subject, reproducible from {@code seed} */
    protected static INDArray features(Subject s, DataType type, long seed, int n) {
        long[] shape = new long[s.featureShape().length + 1];
        shape[0] = n;
        System.arraycopy(s.featureShape(), 0, shape, 1, s.featureShape().length);
        return n == 0 ? Nd4j.create(type, shape) : randn(type, seed, shape);
    }

    private static INDArray flat(INDArray k, OutputMode mode) {
        return mode == OutputMode.FULL ? KernelLayout.flatten(k) : k;
    }

    private static INDArray transposed(INDArray k, OutputMode mode) {
        return mode == OutputMode.TRACE ? k.transpose() : k.permute(1, 0, 3, 2);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    public void symmetricAndPsd(DataType t) {
        Tolerances tol = Tolerances.of(t);
        for (Subject s : subjects(t)) {
            INDArray a = features(s, t, 1, 11);
            for (OutputMode mode : OutputMode.values()) {
                INDArray k = s.compute(mode, 512, a, null);
                assertEquals(t, k.dataType(), s.name() + " kernel type");
                assertSymmetric(flat(k, mode), tol.exact(), s.name() + " " + mode);
                assertPsd(flat(k, mode), tol.exact() * psdSlack(), s.name() + " " + mode);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    public void tiledEqualsUntiledAndAbsentX2IsX1(DataType t) {
        double tol = Tolerances.of(t).exact();
        for (Subject s : subjects(t)) {
            INDArray a = features(s, t, 2, 7), b = features(s, t, 3, 5);
            for (OutputMode mode : OutputMode.values()) {
                String what = s.name() + " " + mode;
                INDArray whole = s.compute(mode, 512, a, null);
                assertClose(whole, s.compute(mode, 3, a, null), tol, what + ": tiled x1 vs untiled");
                assertClose(whole, s.compute(mode, 512, a, a), tol, what + ": K(x) = K(x, x)");
                assertClose(s.compute(mode, 512, a, b), s.compute(mode, 2, a, b), tol, what + ": tiled x1, x2");
            }
        }
    }

    @Test
    public void crossBlocksMatchTheJointKernel() {
        double tol = Tolerances.DOUBLE.exact();
        for (Subject s : subjects(DataType.DOUBLE)) {
            INDArray a = features(s, DataType.DOUBLE, 4, 7), b = features(s, DataType.DOUBLE, 5, 5);
            for (OutputMode mode : OutputMode.values()) {
                INDArray joint = s.compute(mode, 3, Nd4j.concat(0, a, b), null);
                INDArray cross = s.compute(mode, 3, a, b);
                INDArray block = mode == OutputMode.TRACE
                        ? joint.get(NDArrayIndex.interval(0, 7), NDArrayIndex.interval(7, 12))
                        : joint.get(NDArrayIndex.interval(0, 7), NDArrayIndex.interval(7, 12), NDArrayIndex.all(),
                        NDArrayIndex.all());
                assertClose(block, cross, tol, s.name() + " x1/x2 block " + mode);
                assertClose(s.compute(mode, 3, b, a), transposed(cross, mode), tol,
                        s.name() + " Θ(x2,x1) = Θ(x1,x2)ᵀ " + mode);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    public void traceIsTheMeanOfTheFullDiagonalBlocks(DataType t) {
        for (Subject s : subjects(t)) {
            INDArray a = features(s, t, 6, 5), b = features(s, t, 7, 4);
            INDArray full = s.compute(OutputMode.FULL, 512, a, b);
            assertArrayEquals(new long[]{5, 4, s.outputs(), s.outputs()}, full.shape(), s.name() + " FULL shape");
            assertClose(KernelLayout.traceOf(full), s.compute(OutputMode.TRACE, 512, a, b), Tolerances.of(t).exact(),
                    s.name() + " TRACE = mean of FULL diagonal");
        }
    }

    @Test
    public void floatAgreesWithDouble() {
        List<Subject> doubles = subjects(DataType.DOUBLE), floats = subjects(DataType.FLOAT);
        assertEquals(doubles.size(), floats.size());
        for (int i = 0; i < doubles.size(); i++) {
            Subject d = doubles.get(i), f = floats.get(i);
            INDArray a = features(d, DataType.DOUBLE, 8, 6), b = features(d, DataType.DOUBLE, 9, 4);
            for (OutputMode mode : OutputMode.values()) {
                INDArray kd = d.compute(mode, 512, a, b);
                INDArray kf = f.compute(mode, 512, a.castTo(DataType.FLOAT), b.castTo(DataType.FLOAT));
                assertEquals(DataType.FLOAT, kf.dataType());
                assertClose(kd, kf, Tolerances.FLOAT.crossType(), f.name() + " FLOAT vs DOUBLE " + mode);
            }
        }
    }

    @Test
    public void emptyInputsGiveEmptyKernels() {
        for (Subject s : subjects(DataType.DOUBLE)) {
            int o = s.outputs();
            INDArray a = features(s, DataType.DOUBLE, 10, 3);
            INDArray empty = features(s, DataType.DOUBLE, 0, 0);
            assertArrayEquals(new long[]{3, 0}, s.compute(OutputMode.TRACE, 8, a, empty).shape(), s.name());
            assertArrayEquals(new long[]{0, 3, o, o}, s.compute(OutputMode.FULL, 8, empty, a).shape(), s.name());
            assertArrayEquals(new long[]{0, 0}, s.compute(OutputMode.TRACE, 8, empty, null).shape(), s.name());
            assertArrayEquals(new long[]{0, 0, o, o}, s.compute(OutputMode.FULL, 8, empty, null).shape(), s.name());
        }
    }

    @Test
    public void agreesWithFiniteDifferences() {
        double tol = Tolerances.DOUBLE.finiteDiff();
        for (Subject s : subjects(DataType.DOUBLE)) {
            INDArray a = features(s, DataType.DOUBLE, 11, 4), b = features(s, DataType.DOUBLE, 12, 3);
            INDArray reference = s.finiteDifferences(a, b);
            assertClose(reference, s.compute(OutputMode.FULL, 2, a, b), tol, s.name() + " FULL vs finite differences");
            assertClose(KernelLayout.traceOf(reference), s.compute(OutputMode.TRACE, 512, a, b), tol,
                    s.name() + " TRACE vs finite differences");
        }
    }
}
