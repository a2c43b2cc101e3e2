package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * DL4J's plain ReLU ({@code max(z, 0)}, derivative {@code z > 0 ? 1 : 0} as its {@code RectifiedLinearDerivative})
 * fused with the bias addition in one Java pass over {@link DenseChain}'s buffers, and the stacked gradient product
 * {@code Δ = σ'(z) ⊙ ε} in a second, where {@code σ'(z) = 1} exactly where the activation is positive (so no derivative
 * buffer is written or read). Both passes are branch-free (ReLU's sign test on the bit pattern: about half the
 * pre-activations are negative, and a branch there is mispredicted half the time). No ND4J op start-up per step.
 * c-ordered buffers, offset 0.
 */
final class FusedRelu {
    private static final ActivationReLU PLAIN = new ActivationReLU();

    private FusedRelu() {
    }

    /** @return whether the activation is DL4J's ReLU without max value, threshold or negative slope */
    static boolean applies(IActivation a) {
        return a.getClass() == ActivationReLU.class && a.equals(PLAIN);
    }

    /** @return 1 when the float with these bits is {@code > 0} (sign clear, not zero), else 0 */
    private static int positive(int bits) {
        return ~(bits | (bits - 1)) >>> 31;
    }

    /** @return 1 when the double with these bits is {@code > 0} (sign clear, not zero), else 0 */
    private static long positive(long bits) {
        return ~(bits | (bits - 1)) >>> 63;
    }

    /**
     * @param z   {@code [n, w]} {@code a W} (read only)
     * @param b   bias {@code [1, w]} or null
     * @param act {@code [n, w]} receives {@code max(z + b, 0)} (+0 where not positive, as DL4J)
     */
    static void forward(INDArray z, INDArray b, INDArray act) {
        int n = (int) z.size(0), w = (int) z.size(1);
        if (z.dataType() == DataType.FLOAT) {
            float[] bias = b == null ? new float[w] : b.toFloatVector();
            FloatBuffer zb = z.data().asNioFloat(), ab = act.data().asNioFloat();
            for (int i = 0, q = 0; i < n; i++) {
                for (int j = 0; j < w; j++, q++) {
                    int bits = Float.floatToRawIntBits(zb.get(q) + bias[j]);
                    ab.put(q, Float.intBitsToFloat(bits & -positive(bits)));
                }
            }
        } else {
            double[] bias = b == null ? new double[w] : b.toDoubleVector();
            DoubleBuffer zb = z.data().asNioDouble(), ab = act.data().asNioDouble();
            for (int i = 0, q = 0; i < n; i++) {
                for (int j = 0; j < w; j++, q++) {
                    long bits = Double.doubleToRawLongBits(zb.get(q) + bias[j]);
                    ab.put(q, Double.longBitsToDouble(bits & -positive(bits)));
                }
            }
        }
    }

    /**
     * @param eps   {@code [n·o, w]} stacked gradients w.r.t. the activation's output
     * @param act   {@code [n, w]} the activation of {@link #forward} per example
     * @param delta {@code [n·o, w]} receives {@code (act > 0) ⊙ eps} row by row
     * @param o     outputs per example
     */
    static void backward(INDArray eps, INDArray act, INDArray delta, int o) {
        int rows = (int) eps.size(0), w = (int) eps.size(1);
        if (eps.dataType() == DataType.FLOAT) {
            FloatBuffer e = eps.data().asNioFloat(), a = act.data().asNioFloat(), out = delta.data().asNioFloat();
            for (int r = 0, q = 0; r < rows; r++) {
                int base = (r / o) * w;
                for (int j = 0; j < w; j++, q++) {
                    int mask = -positive(Float.floatToRawIntBits(a.get(base + j)));
                    out.put(q, Float.intBitsToFloat(Float.floatToRawIntBits(e.get(q)) & mask));
                }
            }
        } else {
            DoubleBuffer e = eps.data().asNioDouble(), a = act.data().asNioDouble(), out = delta.data().asNioDouble();
            for (int r = 0, q = 0; r < rows; r++) {
                int base = (r / o) * w;
                for (int j = 0; j < w; j++, q++) {
                    long mask = -positive(Double.doubleToRawLongBits(a.get(base + j)));
                    out.put(q, Double.longBitsToDouble(Double.doubleToRawLongBits(e.get(q)) & mask));
                }
            }
        }
    }
}
