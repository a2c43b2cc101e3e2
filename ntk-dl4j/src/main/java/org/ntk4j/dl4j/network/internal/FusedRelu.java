package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * DL4J's plain ReLU ({@code max(z, 0)}, derivative {@code z > 0 ? 1 : 0} as its {@code RectifiedLinearDerivative})
 * fused with the bias addition and the derivative in one Java pass over {@link DenseChain}'s buffers, and the stacked
 * gradient product {@code Δ = σ'(z) ⊙ ε} in a second: no ND4J op start-up per step. c-ordered buffers, offset 0.
 */
final class FusedRelu {
    private static final ActivationReLU PLAIN = new ActivationReLU();

    private FusedRelu() {
    }

    /** @return whether the activation is DL4J's ReLU without max value, threshold or negative slope */
    static boolean applies(IActivation a) {
        return a.getClass() == ActivationReLU.class && a.equals(PLAIN);
    }

    /**
     * @param z     {@code [n, w]} {@code a W}; the bias is added in place
     * @param b     bias {@code [1, w]} or null
     * @param act   {@code [n, w]} receives {@code max(z, 0)}
     * @param deriv {@code [n, w]} receives {@code z > 0 ? 1 : 0}
     */
    static void forward(INDArray z, INDArray b, INDArray act, INDArray deriv) {
        int n = (int) z.size(0), w = (int) z.size(1);
        double[] bias = b == null ? new double[w] : b.toDoubleVector();
        if (z.dataType() == DataType.FLOAT) {
            FloatBuffer zb = z.data().asNioFloat(), ab = act.data().asNioFloat(), db = deriv.data().asNioFloat();
            for (int i = 0, q = 0; i < n; i++) {
                for (int j = 0; j < w; j++, q++) {
                    float v = zb.get(q) + (float) bias[j];
                    zb.put(q, v);
                    ab.put(q, v > 0 ? v : 0f);
                    db.put(q, v > 0 ? 1f : 0f);
                }
            }
        } else {
            DoubleBuffer zb = z.data().asNioDouble(), ab = act.data().asNioDouble(), db = deriv.data().asNioDouble();
            for (int i = 0, q = 0; i < n; i++) {
                for (int j = 0; j < w; j++, q++) {
                    double v = zb.get(q) + bias[j];
                    zb.put(q, v);
                    ab.put(q, v > 0 ? v : 0.0);
                    db.put(q, v > 0 ? 1.0 : 0.0);
                }
            }
        }
    }

    /**
     * @param eps   {@code [n·o, w]} stacked gradients w.r.t. the activation's output
     * @param deriv {@code [n, w]} derivative per example
     * @param delta {@code [n·o, w]} receives {@code deriv ⊙ eps} row by row
     * @param o     outputs per example
     */
    static void backward(INDArray eps, INDArray deriv, INDArray delta, int o) {
        int rows = (int) eps.size(0), w = (int) eps.size(1);
        if (eps.dataType() == DataType.FLOAT) {
            FloatBuffer e = eps.data().asNioFloat(), d = deriv.data().asNioFloat(), out = delta.data().asNioFloat();
            for (int r = 0, q = 0; r < rows; r++) {
                int base = (r / o) * w;
                for (int j = 0; j < w; j++, q++) {
                    out.put(q, e.get(q) * d.get(base + j));
                }
            }
        } else {
            DoubleBuffer e = eps.data().asNioDouble(), d = deriv.data().asNioDouble(), out = delta.data().asNioDouble();
            for (int r = 0, q = 0; r < rows; r++) {
                int base = (r / o) * w;
                for (int j = 0; j < w; j++, q++) {
                    out.put(q, e.get(q) * d.get(base + j));
                }
            }
        }
    }
}
