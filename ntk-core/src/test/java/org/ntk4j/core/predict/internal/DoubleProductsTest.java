package org.ntk4j.core.predict.internal;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DoubleProducts}: a FLOAT matrix times a vector by widened row blocks (blocks of 1, 7 and all rows, the last
 * one partial) equals the plain double product of the widened matrix entry by entry (the reference: a Java loop in
 * double), and {@code f0 − K w} comes back in the requested type.
 */
class DoubleProductsTest extends NtkTestBase {

    private static double[] loopProduct(INDArray k, INDArray w) {
        double[][] a = k.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] v = w.castTo(DataType.DOUBLE).toDoubleVector();
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) {
                s += a[i][j] * v[j];
            }
            out[i] = s;
        }
        return out;
    }

    @Test
    void blockedWideningEqualsTheDoubleProduct() {
        INDArray k = NtkAssertions.gaussian(DataType.DOUBLE, 5, 23, 11).muli(1000).castTo(DataType.FLOAT);
        INDArray w = NtkAssertions.gaussian(DataType.DOUBLE, 6, 11, 1);
        double[] ref = loopProduct(k, w);
        for (long block : new long[]{1, 7 * 11, 23 * 11, 1L << 22}) {
            INDArray p = DoubleProducts.times(k, w, block);
            assertEquals(DataType.DOUBLE, p.dataType());
            double[] got = p.toDoubleVector();
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], got[i], 1e-12 * Math.max(1, Math.abs(ref[i])), "row " + i + ", block " + block);
            }
        }
        INDArray d = DoubleProducts.times(k.castTo(DataType.DOUBLE), w);
        assertEquals(DataType.DOUBLE, d.dataType());
        assertTrue(d.sub(DoubleProducts.times(k, w)).amaxNumber().doubleValue() <= 1e-9);
    }

    @Test
    void minusTimesReturnsTheRequestedType() {
        INDArray k = NtkAssertions.gaussian(DataType.DOUBLE, 7, 5, 4).castTo(DataType.FLOAT);
        INDArray w = NtkAssertions.gaussian(DataType.DOUBLE, 8, 4, 1);
        INDArray f0 = NtkAssertions.gaussian(DataType.DOUBLE, 9, 5, 1).castTo(DataType.FLOAT);
        INDArray r = DoubleProducts.minusTimes(f0, k, w, DataType.FLOAT);
        assertEquals(DataType.FLOAT, r.dataType());
        double[] ref = loopProduct(k, w);
        double[] f = f0.castTo(DataType.DOUBLE).toDoubleVector();
        for (int i = 0; i < 5; i++) {
            assertEquals((float) (f[i] - ref[i]), r.getFloat(i, 0), Math.ulp((float) (f[i] - ref[i])), "row " + i);
        }
    }
}
