package org.ntk4j.core.predict.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.DoubleUnaryOperator;

/** The spectral functions of the gradient-flow predictors and the regularised training kernel they act on. */
public final class Spectral {
    private Spectral() {
    }

    /**
     * {@code g(λ) = (1 − e^{−cλt}) / λ}, with its limit {@code c·t} at {@code λ ≤ 0}: the spectral function of
     * {@code Θ⁻¹ (I − e^{−cΘt})}.
     *
     * @param c rate of {@code df/dt = −cΘ(f − y)}
     * @param t time
     * @return g
     */
    public static DoubleUnaryOperator flowIntegral(double c, double t) {
        return l -> l > 0 ? -Math.expm1(-c * l * t) / l : c * t;
    }

    /**
     * @param f a spectral function
     * @return {@code λ ↦ f(max(λ, 0))}: f of the eigenvalues clamped at 0
     */
    public static DoubleUnaryOperator clampedAtZero(DoubleUnaryOperator f) {
        return l -> f.applyAsDouble(Math.max(l, 0.0));
    }

    /**
     * {@code K + r·I} in DOUBLE with one copy at most: a FLOAT kernel's widened copy takes the diagonal in place; a
     * DOUBLE kernel is copied only when {@code r > 0} (else returned itself: do not modify the result).
     *
     * @param k square matrix, FLOAT or DOUBLE; not modified
     * @param r diagonal regulariser, ≥ 0
     * @return {@code k + r·I}, DOUBLE
     */
    public static INDArray plusDiagonalInDouble(INDArray k, double r) {
        if (k.dataType() == DataType.DOUBLE) {
            return r > 0 ? addToDiagonal(k.dup(), r) : k;
        }
        return addToDiagonal(k.castTo(DataType.DOUBLE), r);
    }

    private static INDArray addToDiagonal(INDArray out, double r) {
        for (long i = 0; r > 0 && i < out.size(0); i++) {
            out.putScalar(i, i, out.getDouble(i, i) + r);
        }
        return out;
    }
}
