package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * The FULL-mode kernel tile of a dense chain in one pass over the output: every layer's term
 * {@code (g_l + c_l) ⊙ dd_l} is summed in a small {@code o × o} block that stays in the cache, and the block is written
 * once (and, for a symmetric tile, once more transposed into its mirror position), instead of one read–modify–write
 * pass over the whole tile per layer followed by a mirror pass. An output layer with an element-wise activation needs
 * no Gram matrix of its gradients at all: its stacked gradient rows are {@code σ'(z_ik) e_k}, so its term is
 * {@code (g + c) σ'_1[i, k] σ'_2[j, k]} on the diagonal {@code k = e} of each block and zero elsewhere.
 *
 * <p>Layouts: {@code dd_l} is the flat {@code [n1·o, n2·o]} Gram matrix (example-major; only its lower triangle is read
 * for a symmetric tile, what {@link SymmetricGram#lower} writes), {@code g_l} is {@code [n1, n2]} (lower triangle for a
 * symmetric tile), the target is the blocked {@code [n1, n2, o, o]} or the flat {@code [n1·o, n2·o]} layout, every
 * array contiguous, c-ordered, offset 0. Every element of the target is written.
 */
final class FullAccumulator {
    private FullAccumulator() {
    }

    /**
     * One layer's term.
     *
     * @param g  {@code [n1, n2]} example Gram matrix, or null for zero (no trainable weights)
     * @param c  constant added to {@code g} (1 for a trainable bias, else 0)
     * @param dd {@code [n1·o, n2·o]} gradient Gram matrix, or null for the diagonal output term
     */
    record Term(INDArray g, double c, INDArray dd) {
    }

    /**
     * @param acc       target, {@code [n1, n2, o, o]} or {@code [n1·o, n2·o]}
     * @param terms     the layers' terms, at least one; at most one with {@code dd == null}
     * @param s1        {@code [n1, o]} output derivatives of the first side (read when a term has no dd)
     * @param s2        {@code [n2, o]} output derivatives of the second side
     * @param n1        examples of the first side
     * @param n2        examples of the second side
     * @param o         outputs per example
     * @param symmetric true: the tile of a block with itself ({@code n1 = n2}; lower triangles read, mirrored)
     */
    static void write(INDArray acc, Term[] terms, INDArray s1, INDArray s2, int n1, int n2, int o, boolean symmetric) {
        if (acc.dataType() == DataType.FLOAT) {
            writeFloat(acc, terms, s1, s2, n1, n2, o, symmetric);
        } else {
            writeDouble(acc, terms, s1, s2, n1, n2, o, symmetric);
        }
    }

    private static void writeFloat(INDArray acc, Term[] terms, INDArray s1, INDArray s2, int n1, int n2, int o,
                                   boolean symmetric) {
        boolean blocked = acc.rank() == 4;
        int m2 = n2 * o, rowStride = blocked ? o : m2;
        FloatBuffer a = acc.data().asNioFloat();
        int nt = terms.length, diagTerm = -1;
        FloatBuffer[] g = new FloatBuffer[nt], d = new FloatBuffer[nt];
        float[] c = new float[nt];
        for (int t = 0; t < nt; t++) {
            g[t] = terms[t].g() == null ? null : terms[t].g().data().asNioFloat();
            d[t] = terms[t].dd() == null ? null : terms[t].dd().data().asNioFloat();
            c[t] = (float) terms[t].c();
            if (d[t] == null) {
                diagTerm = t;
            }
        }
        FloatBuffer sa = diagTerm < 0 ? null : s1.data().asNioFloat(), sb = diagTerm < 0 ? null : s2.data().asNioFloat();
        float[] block = new float[o * o]; // once per tile, not per block
        for (int i = 0; i < n1; i++) {
            for (int j = 0, jEnd = symmetric ? i + 1 : n2; j < jEnd; j++) {
                boolean diagonalBlock = symmetric && i == j, first = true;
                for (int t = 0; t < nt; t++) {
                    if (t == diagTerm) {
                        continue;
                    }
                    float coef = (g[t] == null ? 0f : g[t].get(i * n2 + j)) + c[t];
                    FloatBuffer dt = d[t];
                    for (int k = 0; k < o; k++) {
                        int r = i * o + k, q = r * m2 + j * o, b = k * o;
                        for (int e = 0; e < o; e++) {
                            // a diagonal block reads its upper half from the lower triangle (r < s there)
                            float v = coef * (diagonalBlock && e > k ? dt.get((j * o + e) * m2 + r) : dt.get(q + e));
                            block[b + e] = first ? v : block[b + e] + v;
                        }
                    }
                    first = false;
                }
                if (first) {
                    java.util.Arrays.fill(block, 0f);
                }
                if (diagTerm >= 0) {
                    float coef = (g[diagTerm] == null ? 0f : g[diagTerm].get(i * n2 + j)) + c[diagTerm];
                    for (int k = 0; k < o; k++) {
                        block[k * o + k] += coef * sa.get(i * o + k) * sb.get(j * o + k);
                    }
                }
                int base = blocked ? (i * n2 + j) * o * o : i * o * m2 + j * o;
                for (int k = 0; k < o; k++) {
                    for (int e = 0, p = base + k * rowStride; e < o; e++) {
                        a.put(p + e, block[k * o + e]);
                    }
                }
                if (symmetric && i != j) { // block (j, i) is the transpose of block (i, j)
                    int mirror = blocked ? (j * n2 + i) * o * o : j * o * m2 + i * o;
                    for (int e = 0; e < o; e++) {
                        for (int k = 0, p = mirror + e * rowStride; k < o; k++) {
                            a.put(p + k, block[k * o + e]);
                        }
                    }
                }
            }
        }
    }

    private static void writeDouble(INDArray acc, Term[] terms, INDArray s1, INDArray s2, int n1, int n2, int o,
                                    boolean symmetric) {
        boolean blocked = acc.rank() == 4;
        int m2 = n2 * o, rowStride = blocked ? o : m2;
        DoubleBuffer a = acc.data().asNioDouble();
        int nt = terms.length, diagTerm = -1;
        DoubleBuffer[] g = new DoubleBuffer[nt], d = new DoubleBuffer[nt];
        double[] c = new double[nt];
        for (int t = 0; t < nt; t++) {
            g[t] = terms[t].g() == null ? null : terms[t].g().data().asNioDouble();
            d[t] = terms[t].dd() == null ? null : terms[t].dd().data().asNioDouble();
            c[t] = terms[t].c();
            if (d[t] == null) {
                diagTerm = t;
            }
        }
        DoubleBuffer sa = diagTerm < 0 ? null : s1.data().asNioDouble();
        DoubleBuffer sb = diagTerm < 0 ? null : s2.data().asNioDouble();
        double[] block = new double[o * o];
        for (int i = 0; i < n1; i++) {
            for (int j = 0, jEnd = symmetric ? i + 1 : n2; j < jEnd; j++) {
                boolean diagonalBlock = symmetric && i == j, first = true;
                for (int t = 0; t < nt; t++) {
                    if (t == diagTerm) {
                        continue;
                    }
                    double coef = (g[t] == null ? 0 : g[t].get(i * n2 + j)) + c[t];
                    DoubleBuffer dt = d[t];
                    for (int k = 0; k < o; k++) {
                        int r = i * o + k, q = r * m2 + j * o, b = k * o;
                        for (int e = 0; e < o; e++) {
                            double v = coef * (diagonalBlock && e > k ? dt.get((j * o + e) * m2 + r) : dt.get(q + e));
                            block[b + e] = first ? v : block[b + e] + v;
                        }
                    }
                    first = false;
                }
                if (first) {
                    java.util.Arrays.fill(block, 0);
                }
                if (diagTerm >= 0) {
                    double coef = (g[diagTerm] == null ? 0 : g[diagTerm].get(i * n2 + j)) + c[diagTerm];
                    for (int k = 0; k < o; k++) {
                        block[k * o + k] += coef * sa.get(i * o + k) * sb.get(j * o + k);
                    }
                }
                int base = blocked ? (i * n2 + j) * o * o : i * o * m2 + j * o;
                for (int k = 0; k < o; k++) {
                    for (int e = 0, p = base + k * rowStride; e < o; e++) {
                        a.put(p + e, block[k * o + e]);
                    }
                }
                if (symmetric && i != j) {
                    int mirror = blocked ? (j * n2 + i) * o * o : j * o * m2 + i * o;
                    for (int e = 0; e < o; e++) {
                        for (int k = 0, p = mirror + e * rowStride; k < o; k++) {
                            a.put(p + k, block[k * o + e]);
                        }
                    }
                }
            }
        }
    }
}
