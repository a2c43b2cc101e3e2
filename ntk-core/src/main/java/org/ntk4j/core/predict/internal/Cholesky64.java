package org.ntk4j.core.predict.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.linalg.CholeskyFactor;

/** The predictors' Cholesky factorization, in DOUBLE whatever the kernel's type. */
public final class Cholesky64 {
    private Cholesky64() {
    }

    /**
     * @param k       symmetric {@code [m, m]}, FLOAT or DOUBLE; not modified
     * @param diagReg added to the diagonal
     * @return the factorization of {@code k + diagReg·I} in DOUBLE; a FLOAT kernel's widened copy is released as soon
     *         as it is factorized (the factorization makes its own), so the peak stays at two {@code m²} doubles
     */
    public static CholeskyFactor of(INDArray k, double diagReg) {
        INDArray k64 = k.castTo(DataType.DOUBLE);
        try {
            return CholeskyFactor.of(k64, diagReg);
        } finally {
            if (k64 != k) {
                k64.close();
            }
        }
    }
}
