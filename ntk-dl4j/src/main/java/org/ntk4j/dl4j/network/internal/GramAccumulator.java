package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * The one element-wise pass of a dense layer's kernel contribution, {@code acc += (g + c) ⊙ dd}, in plain Java over
 * the buffers' native memory (one read of each operand, no temporary, no OpenMP start-up). All arrays are contiguous
 * c-ordered buffers with offset 0. {@code dd} is always the flat Gram matrix {@code [n1·o, n2·o]} (example-major);
 * {@code acc} is either the same flat layout or the blocked layout {@code [n1, n2, o, o]} of a FULL kernel, written
 * directly so that no reordering copy is needed afterwards.
 */
final class GramAccumulator {
    private GramAccumulator() {
    }

    /**
     * @param acc       {@code [m1, m2]} (trace: {@code m = n}; flat full: {@code m = n·o}) or {@code [n1, n2, o, o]}
     * @param g         {@code [n1, n2]} example Gram matrix, or null for zero
     * @param c         constant added to {@code g} (1 for a trainable bias, else 0)
     * @param dd        {@code [n1·o, n2·o]} Gram matrix of the stacked pre-activation gradients ({@code o = 1}: trace)
     * @param o         outputs per example in {@code dd} (1 for trace)
     * @param overwrite true: {@code acc = (g + c) ⊙ dd} (the first term)
     */
    static void add(INDArray acc, INDArray g, double c, INDArray dd, int o, boolean overwrite) {
        int m1 = (int) dd.size(0), m2 = (int) dd.size(1);
        int n1 = m1 / o, n2 = m2 / o;
        boolean blocked = acc.rank() == 4;
        if (acc.dataType() == DataType.FLOAT) {
            FloatBuffer a = acc.data().asNioFloat(), d = dd.data().asNioFloat();
            FloatBuffer gb = g == null ? null : g.data().asNioFloat();
            float cf = (float) c;
            if (o == 1) { // trace: one flat pass, no inner loop
                int size = m1 * m2;
                for (int q = 0; q < size; q++) {
                    float gv = gb == null ? cf : gb.get(q) + cf;
                    a.put(q, (overwrite ? 0 : a.get(q)) + gv * d.get(q));
                }
                return;
            }
            for (int i = 0; i < n1; i++) {
                for (int k = 0; k < o; k++) {
                    int q = (i * o + k) * m2; // row (i, k) of dd
                    for (int j = 0; j < n2; j++) {
                        float gv = gb == null ? cf : gb.get(i * n2 + j) + cf;
                        int t = blocked ? ((i * n2 + j) * o + k) * o : q;
                        for (int e = 0; e < o; e++, q++, t++) {
                            a.put(t, (overwrite ? 0 : a.get(t)) + gv * d.get(q));
                        }
                    }
                }
            }
        } else {
            DoubleBuffer a = acc.data().asNioDouble(), d = dd.data().asNioDouble();
            DoubleBuffer gb = g == null ? null : g.data().asNioDouble();
            if (o == 1) { // trace: one flat pass, no inner loop
                int size = m1 * m2;
                for (int q = 0; q < size; q++) {
                    double gv = gb == null ? c : gb.get(q) + c;
                    a.put(q, (overwrite ? 0 : a.get(q)) + gv * d.get(q));
                }
                return;
            }
            for (int i = 0; i < n1; i++) {
                for (int k = 0; k < o; k++) {
                    int q = (i * o + k) * m2;
                    for (int j = 0; j < n2; j++) {
                        double gv = gb == null ? c : gb.get(i * n2 + j) + c;
                        int t = blocked ? ((i * n2 + j) * o + k) * o : q;
                        for (int e = 0; e < o; e++, q++, t++) {
                            a.put(t, (overwrite ? 0 : a.get(t)) + gv * d.get(q));
                        }
                    }
                }
            }
        }
    }

    /**
     * The symmetric-tile form of {@link #add}: reads only the lower triangles of {@code g} and {@code dd} (what
     * {@link SymmetricGram#lower} writes) and writes the example blocks {@code (i, j)} with {@code j ≤ i} of
     * {@code acc}; {@link #mirror} fills the rest once all terms are in.
     *
     * @param acc       {@code [n·o, n·o]} or {@code [n, n, o, o]}
     * @param g         {@code [n, n]} lower triangle valid, or null for zero
     * @param c         constant added to {@code g}
     * @param dd        {@code [n·o, n·o]} lower triangle valid
     * @param o         outputs per example in {@code dd} (1 for trace)
     * @param overwrite true: the first term
     */
    static void addLower(INDArray acc, INDArray g, double c, INDArray dd, int o, boolean overwrite) {
        int m = (int) dd.size(0), n = m / o;
        boolean blocked = acc.rank() == 4;
        if (acc.dataType() == DataType.FLOAT) {
            FloatBuffer a = acc.data().asNioFloat(), d = dd.data().asNioFloat();
            FloatBuffer gb = g == null ? null : g.data().asNioFloat();
            float cf = (float) c;
            if (o == 1) { // trace: row i up to the diagonal, no index arithmetic
                for (int i = 0; i < n; i++) {
                    for (int q = i * n, end = q + i; q <= end; q++) {
                        float gv = gb == null ? cf : gb.get(q) + cf;
                        a.put(q, (overwrite ? 0 : a.get(q)) + gv * d.get(q));
                    }
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    float gv = gb == null ? cf : gb.get(i * n + j) + cf;
                    for (int k = 0; k < o; k++) {
                        int r = i * o + k;
                        for (int e = 0; e < o; e++) {
                            int s = j * o + e;
                            int t = blocked ? ((i * n + j) * o + k) * o + e : r * m + s;
                            float dv = d.get(r >= s ? r * m + s : s * m + r);
                            a.put(t, (overwrite ? 0 : a.get(t)) + gv * dv);
                        }
                    }
                }
            }
        } else {
            DoubleBuffer a = acc.data().asNioDouble(), d = dd.data().asNioDouble();
            DoubleBuffer gb = g == null ? null : g.data().asNioDouble();
            if (o == 1) {
                for (int i = 0; i < n; i++) {
                    for (int q = i * n, end = q + i; q <= end; q++) {
                        double gv = gb == null ? c : gb.get(q) + c;
                        a.put(q, (overwrite ? 0 : a.get(q)) + gv * d.get(q));
                    }
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double gv = gb == null ? c : gb.get(i * n + j) + c;
                    for (int k = 0; k < o; k++) {
                        int r = i * o + k;
                        for (int e = 0; e < o; e++) {
                            int s = j * o + e;
                            int t = blocked ? ((i * n + j) * o + k) * o + e : r * m + s;
                            double dv = d.get(r >= s ? r * m + s : s * m + r);
                            a.put(t, (overwrite ? 0 : a.get(t)) + gv * dv);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code acc /= divisor} in place, in Java (the mean over outputs of a TRACE tile).
     *
     * @param acc     contiguous c-ordered array, offset 0, the whole buffer
     * @param divisor the divisor
     */
    static void divide(INDArray acc, int divisor) {
        int len = (int) acc.length();
        if (acc.dataType() == DataType.FLOAT) {
            FloatBuffer a = acc.data().asNioFloat();
            float d = divisor;
            for (int q = 0; q < len; q++) {
                a.put(q, a.get(q) / d);
            }
        } else {
            DoubleBuffer a = acc.data().asNioDouble();
            double d = divisor;
            for (int q = 0; q < len; q++) {
                a.put(q, a.get(q) / d);
            }
        }
    }

    /**
     * Completes a symmetric tile written by {@link #addLower}: block {@code (j, i)} is the transpose of block
     * {@code (i, j)} for {@code j < i} (diagonal blocks are already whole).
     *
     * @param acc {@code [n·o, n·o]} or {@code [n, n, o, o]}
     * @param n   examples
     * @param o   outputs per example (1 for trace)
     */
    static void mirror(INDArray acc, int n, int o) {
        boolean blocked = acc.rank() == 4;
        int m = n * o;
        if (acc.dataType() == DataType.FLOAT) {
            FloatBuffer a = acc.data().asNioFloat();
            if (o == 1) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < i; j++) {
                        a.put(j * n + i, a.get(i * n + j));
                    }
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    for (int k = 0; k < o; k++) {
                        for (int e = 0; e < o; e++) {
                            int from = blocked ? ((i * n + j) * o + k) * o + e : (i * o + k) * m + j * o + e;
                            int to = blocked ? ((j * n + i) * o + e) * o + k : (j * o + e) * m + i * o + k;
                            a.put(to, a.get(from));
                        }
                    }
                }
            }
        } else {
            DoubleBuffer a = acc.data().asNioDouble();
            if (o == 1) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < i; j++) {
                        a.put(j * n + i, a.get(i * n + j));
                    }
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    for (int k = 0; k < o; k++) {
                        for (int e = 0; e < o; e++) {
                            int from = blocked ? ((i * n + j) * o + k) * o + e : (i * o + k) * m + j * o + e;
                            int to = blocked ? ((j * n + i) * o + e) * o + k : (j * o + e) * m + i * o + k;
                            a.put(to, a.get(from));
                        }
                    }
                }
            }
        }
    }
}
