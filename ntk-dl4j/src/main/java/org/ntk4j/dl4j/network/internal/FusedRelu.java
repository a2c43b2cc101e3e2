package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * DL4J's plain ReLU ({@code max(z, 0)}, derivative {@code z > 0 ? 1 : 0} as its {@code RectifiedLinearDerivative})
 * fused with the bias addition in one Java pass over {@link DenseChain}'s buffers, and the stacked gradient product
 * {@code Δ = σ'(z) ⊙ ε} in a second, where {@code σ'(z) = 1} exactly where the activation is positive (so no derivative
 * buffer is written or read). Both passes are branch-free (about half the pre-activations are negative, and a branch
 * there is mispredicted half the time): the forward pass is {@code Math.max(z + b, 0)}, the backward pass a sign mask
 * on the activation's bit pattern. They run over Java heap copies of the buffers (bulk copies in and out). No ND4J op
 * start-up per step. c-ordered buffers, offset 0.
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
     * Java heap copies of the buffers the passes work on (bulk copies in and out are memcpy-fast; loops over heap
     * arrays run about twice as fast as element-wise access to native buffers). Sized on first use, then reused.
     */
    static final class Scratch {
        private float[] f1 = new float[0], f2 = new float[0], fb = new float[0];
        private double[] d1 = new double[0], d2 = new double[0], db = new double[0];

        /** @return the bias read now (it changes while the network trains), or zeros; {@code [1, w]} contiguous */
        private float[] biasFloats(INDArray b, int w) {
            if (fb.length != w) {
                fb = new float[w];
            }
            if (b == null) {
                java.util.Arrays.fill(fb, 0f);
            } else if (b.elementWiseStride() == 1) {
                b.data().asNioFloat().get((int) b.offset(), fb, 0, w);
            } else {
                System.arraycopy(b.toFloatVector(), 0, fb, 0, w);
            }
            return fb;
        }

        private double[] biasDoubles(INDArray b, int w) {
            if (db.length != w) {
                db = new double[w];
            }
            if (b == null) {
                java.util.Arrays.fill(db, 0.0);
            } else if (b.elementWiseStride() == 1) {
                b.data().asNioDouble().get((int) b.offset(), db, 0, w);
            } else {
                System.arraycopy(b.toDoubleVector(), 0, db, 0, w);
            }
            return db;
        }

        private float[] floats1(int n) {
            if (f1.length < n) {
                f1 = new float[n];
            }
            return f1;
        }

        private float[] floats2(int n) {
            if (f2.length < n) {
                f2 = new float[n];
            }
            return f2;
        }

        private double[] doubles1(int n) {
            if (d1.length < n) {
                d1 = new double[n];
            }
            return d1;
        }

        private double[] doubles2(int n) {
            if (d2.length < n) {
                d2 = new double[n];
            }
            return d2;
        }
    }

    /**
     * @param z   {@code [n, w]} {@code a W} (read only)
     * @param b   bias {@code [1, w]} or null
     * @param act {@code [n, w]} receives {@code max(z + b, 0)} (+0 where not positive, as DL4J)
     * @param s   scratch of the calling block
     */
    static void forward(INDArray z, INDArray b, INDArray act, Scratch s) {
        int n = (int) z.size(0), w = (int) z.size(1), len = n * w;
        if (z.dataType() == DataType.FLOAT) {
            float[] bias = s.biasFloats(b, w);
            float[] v = s.floats1(len);
            z.data().asNioFloat().get(0, v, 0, len);
            for (int i = 0, q = 0; i < n; i++) {
                for (int j = 0; j < w; j++, q++) {
                    v[q] = Math.max(v[q] + bias[j], 0f); // +0 for -0 and for negatives, as DL4J
                }
            }
            act.data().asNioFloat().put(0, v, 0, len);
        } else {
            double[] bias = s.biasDoubles(b, w);
            double[] v = s.doubles1(len);
            z.data().asNioDouble().get(0, v, 0, len);
            for (int i = 0, q = 0; i < n; i++) {
                for (int j = 0; j < w; j++, q++) {
                    v[q] = Math.max(v[q] + bias[j], 0.0);
                }
            }
            act.data().asNioDouble().put(0, v, 0, len);
        }
    }

    /**
     * {@code z += b} per row, in Java (an ND4J broadcast op on a small array costs more here than the whole pass).
     *
     * @param z {@code [n, w]} contiguous, c order, offset 0
     * @param b bias {@code [1, w]}
     * @param s scratch of the calling block
     */
    static void addBias(INDArray z, INDArray b, Scratch s) {
        int n = (int) z.size(0), w = (int) z.size(1);
        if (z.dataType() == DataType.FLOAT) {
            float[] bias = s.biasFloats(b, w);
            java.nio.FloatBuffer v = z.data().asNioFloat();
            for (int i = 0, q = 0; i < n; i++) {
                for (int j = 0; j < w; j++, q++) {
                    v.put(q, v.get(q) + bias[j]);
                }
            }
        } else {
            double[] bias = s.biasDoubles(b, w);
            java.nio.DoubleBuffer v = z.data().asNioDouble();
            for (int i = 0, q = 0; i < n; i++) {
                for (int j = 0; j < w; j++, q++) {
                    v.put(q, v.get(q) + bias[j]);
                }
            }
        }
    }

    /**
     * @param eps   {@code [n·o, w]} stacked gradients w.r.t. the activation's output
     * @param act   {@code [n, w]} the activation of {@link #forward} per example
     * @param delta {@code [n·o, w]} receives {@code (act > 0) ⊙ eps} row by row
     * @param o     outputs per example
     * @param s     scratch of the calling block
     */
    static void backward(INDArray eps, INDArray act, INDArray delta, int o, Scratch s) {
        int rows = (int) eps.size(0), w = (int) eps.size(1), len = rows * w, alen = rows / o * w;
        if (eps.dataType() == DataType.FLOAT) {
            float[] e = s.floats1(len), a = s.floats2(alen);
            eps.data().asNioFloat().get(0, e, 0, len);
            act.data().asNioFloat().get(0, a, 0, alen);
            for (int r = 0, q = 0; r < rows; r++) {
                int base = (r / o) * w;
                for (int j = 0; j < w; j++, q++) {
                    int mask = -positive(Float.floatToRawIntBits(a[base + j]));
                    e[q] = Float.intBitsToFloat(Float.floatToRawIntBits(e[q]) & mask);
                }
            }
            delta.data().asNioFloat().put(0, e, 0, len);
        } else {
            double[] e = s.doubles1(len), a = s.doubles2(alen);
            eps.data().asNioDouble().get(0, e, 0, len);
            act.data().asNioDouble().get(0, a, 0, alen);
            for (int r = 0, q = 0; r < rows; r++) {
                int base = (r / o) * w;
                for (int j = 0; j < w; j++, q++) {
                    long mask = -positive(Double.doubleToRawLongBits(a[base + j]));
                    e[q] = Double.longBitsToDouble(Double.doubleToRawLongBits(e[q]) & mask);
                }
            }
            delta.data().asNioDouble().put(0, e, 0, len);
        }
    }
}
