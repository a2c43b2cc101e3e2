package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;

/**
 * Small metric functions on a symmetric kernel matrix, each in DOUBLE; none modifies its arguments.
 */
public final class KernelMetrics {
    private KernelMetrics() {
    }

    /** @return {@code ‖k − k0‖_F / ‖k0‖_F} (0 when both are zero) */
    public static double relativeDrift(INDArray k, INDArray k0) {
        INDArray a = k.castTo(DataType.DOUBLE);
        INDArray b = k0.castTo(DataType.DOUBLE);
        double den = b.norm2Number().doubleValue();
        double num = a.sub(b).norm2Number().doubleValue();
        return den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : num / den;
    }

    /** @return {@code Σ_i k[i, i]} */
    public static double trace(INDArray k) {
        double t = 0;
        for (long i = 0; i < Math.min(k.rows(), k.columns()); i++) {
            t += k.getDouble(i, i);
        }
        return t;
    }

    /** @return {@code ‖k‖_F} */
    public static double frobenius(INDArray k) {
        return k.castTo(DataType.DOUBLE).norm2Number().doubleValue();
    }

    /** @return {@code {λmin, λmax}} of the symmetric part of {@code k} */
    public static double[] extremeEigenvalues(INDArray k) {
        INDArray d = k.castTo(DataType.DOUBLE);
        INDArray sym = d.add(d.transpose()).divi(2);
        INDArray ev = Eigen.symmetricGeneralizedEigenvalues(sym, false);
        return new double[]{ev.minNumber().doubleValue(), ev.maxNumber().doubleValue()};
    }

    /**
     * Kernel–target alignment (Cristianini et al.).
     *
     * @param k {@code [m, m]}
     * @param y targets {@code [m, c]}
     * @return {@code ⟨k, yyᵀ⟩_F / (‖k‖_F ‖yyᵀ‖_F)}
     */
    public static double alignment(INDArray k, INDArray y) {
        INDArray d = k.castTo(DataType.DOUBLE);
        INDArray v = y.castTo(DataType.DOUBLE);
        INDArray yyT = v.mmul(v.transpose());
        double num = d.mul(yyT).sumNumber().doubleValue();
        return num / (d.norm2Number().doubleValue() * yyT.norm2Number().doubleValue());
    }
}
