package org.ntk4j.dl4j.network.internal;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasLower;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dsyrk;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_ssyrk;

/**
 * The one class that names OpenBLAS (loaded only after {@link SymmetricGram} found ND4J's CPU backend): row-major
 * {@code cblas_?syrk}, lower triangle, on the arrays' host buffers. Callers have checked the layouts.
 */
final class OpenBlasSyrk {
    private OpenBlasSyrk() {
    }

    /**
     * @param a   {@code [n, w]} c-ordered with default strides, offset 0
     * @param out {@code [n, n]} c-ordered, offset 0; receives the lower triangle of {@code a aᵀ}
     */
    static void lower(INDArray a, INDArray out) {
        int n = (int) a.size(0), w = (int) a.size(1);
        Pointer pa = a.data().addressPointer(), po = out.data().addressPointer();
        if (a.dataType() == DataType.FLOAT) {
            FloatPointer fa = new FloatPointer(pa);
            cblas_ssyrk(CblasRowMajor, CblasLower, CblasNoTrans, n, w, 1f, fa, w, 0f, new FloatPointer(po), n);
        } else {
            DoublePointer da = new DoublePointer(pa);
            cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, n, w, 1.0, da, w, 0.0, new DoublePointer(po), n);
        }
    }
}
