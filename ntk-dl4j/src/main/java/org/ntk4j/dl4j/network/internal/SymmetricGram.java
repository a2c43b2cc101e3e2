package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gram matrix {@code a aᵀ} of a symmetric kernel tile ({@code a} is {@code [n, w]}), lower triangle only: through
 * the BLAS {@code syrk} of ND4J's CPU backend (OpenBLAS) when it is present, which does half the multiply–adds of the
 * {@code gemm} it replaces, else through {@code gemm} (the whole matrix, of which the caller reads the lower triangle).
 *
 * <p>ND4J M2.1's own {@code Level3.syrk} wrapper does not compute the product (it returns at once, leaving the output
 * untouched; measured), so OpenBLAS is called directly. That call is used only when ND4J runs on its CPU backend, the
 * OpenBLAS classes load, and a check product of a small known matrix comes out exact at first use; otherwise every
 * product goes through {@code gemm} and the kernel is the same. {@link #useSyrk(boolean)} switches it off (tests compare
 * both).
 */
public final class SymmetricGram {
    private static final Logger LOG = LoggerFactory.getLogger(SymmetricGram.class);
    private static volatile Boolean available;
    private static volatile boolean enabled = true;

    private SymmetricGram() {
    }

    /**
     * @param on false: every symmetric Gram goes through {@code gemm} (for tests comparing the two; default true)
     */
    public static void useSyrk(boolean on) {
        enabled = on;
    }

    /** @return whether symmetric Gram matrices go through OpenBLAS's syrk now (CPU backend, check passed, not off) */
    public static boolean syrkInUse() {
        return enabled && available();
    }

    /**
     * Writes the lower triangle ({@code j ≤ i}) of {@code a aᵀ} into {@code out}; the strict upper triangle is left
     * unspecified when {@code syrk} was used.
     *
     * @param a   {@code [n, w]} (syrk needs c order, default strides, offset 0; other layouts use gemm)
     * @param out {@code [n, n]}
     */
    public static void lower(INDArray a, INDArray out) {
        if (enabled && fits(a, out) && available()) {
            OpenBlasSyrk.lower(a, out);
        } else {
            Nd4j.gemm(a, a, out, false, true, 1.0, 0.0);
        }
    }

    private static boolean fits(INDArray a, INDArray out) {
        return a.rank() == 2 && a.ordering() == 'c' && a.offset() == 0 && Shape.hasDefaultStridesForShape(a)
                && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE)
                && out.dataType() == a.dataType() && out.ordering() == 'c' && out.offset() == 0
                && Shape.hasDefaultStridesForShape(out) && out.size(0) == a.size(0) && out.size(1) == a.size(0)
                && a.size(0) > 0 && a.size(1) > 0 && a.length() < Integer.MAX_VALUE
                && out.length() < Integer.MAX_VALUE;
    }

    private static boolean available() {
        Boolean ok = available;
        if (ok == null) {
            synchronized (SymmetricGram.class) {
                ok = available;
                if (ok == null) {
                    ok = probe();
                    available = ok;
                }
            }
        }
        return ok;
    }

    /** CPU backend, OpenBLAS classes loadable, and a 3 × 2 check product exact in both types. */
    private static boolean probe() {
        try {
            if (!Nd4j.getEnvironment().isCPU()) {
                return false;
            }
            for (DataType t : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
                INDArray a = Nd4j.create(new double[][]{{1, 2}, {3, -4}, {0.5, 6}}).castTo(t);
                INDArray out = Nd4j.zeros(t, 3, 3);
                OpenBlasSyrk.lower(a, out);
                double[][] expected = {{5, 0, 0}, {-5, 25, 0}, {12.5, -22.5, 36.25}};
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j <= i; j++) {
                        if (out.getDouble(i, j) != expected[i][j]) {
                            LOG.warn("OpenBLAS syrk check failed ({} at [{}, {}]: {} instead of {}); using gemm", t, i, j,
                                    out.getDouble(i, j), expected[i][j]);
                            return false;
                        }
                    }
                }
            }
            return true;
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("OpenBLAS syrk not available ({}); symmetric Gram matrices use gemm", e.toString());
            return false;
        }
    }
}
