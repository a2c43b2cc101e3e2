package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * The one element-wise pass of a dense layer's kernel contribution, {@code acc += (g + c) ⊙ dd}, in plain Java over the
 * buffers' native memory (one read of each operand, no temporary, no OpenMP start-up). All arrays are contiguous
 * c-ordered buffers of {@link DenseChain} with offset 0.
 */
final class GramAccumulator {
    private GramAccumulator() {
    }

    /**
     * @param acc   {@code [m1, m2]} accumulated kernel, {@code m = n} (trace) or {@code n·o} (full, example-major)
     * @param g     {@code [n1, n2]} example Gram matrix, or null for zero
     * @param c     constant added to {@code g} (1 for a trainable bias, else 0)
     * @param dd    {@code [m1, m2]} Gram matrix of the stacked pre-activation gradients
     * @param o     outputs per example in {@code acc} and {@code dd} (1 for trace)
     * @param overwrite true: {@code acc = (g + c) ⊙ dd} (the first term)
     */
    static void add(INDArray acc, INDArray g, double c, INDArray dd, int o, boolean overwrite) {
        int m1 = (int) acc.size(0), m2 = (int) acc.size(1);
        int n2 = m2 / o;
        if (acc.dataType() == DataType.FLOAT) {
            FloatBuffer a = acc.data().asNioFloat(), d = dd.data().asNioFloat();
            FloatBuffer gb = g == null ? null : g.data().asNioFloat();
            float cf = (float) c;
            if (o == 1) { // trace: one flat pass, no inner loop
                int size = m1 * m2;
                if (gb == null) {
                    for (int q = 0; q < size; q++) {
                        a.put(q, (overwrite ? 0 : a.get(q)) + cf * d.get(q));
                    }
                } else {
                    for (int q = 0; q < size; q++) {
                        a.put(q, (overwrite ? 0 : a.get(q)) + (gb.get(q) + cf) * d.get(q));
                    }
                }
                return;
            }
            for (int r = 0; r < m1; r++) {
                int gRow = (r / o) * n2, row = r * m2;
                for (int j = 0, q = row; j < n2; j++) {
                    float gv = gb == null ? cf : gb.get(gRow + j) + cf;
                    for (int k = 0; k < o; k++, q++) {
                        a.put(q, (overwrite ? 0 : a.get(q)) + gv * d.get(q));
                    }
                }
            }
        } else {
            DoubleBuffer a = acc.data().asNioDouble(), d = dd.data().asNioDouble();
            DoubleBuffer gb = g == null ? null : g.data().asNioDouble();
            if (o == 1) { // trace: one flat pass, no inner loop
                int size = m1 * m2;
                if (gb == null) {
                    for (int q = 0; q < size; q++) {
                        a.put(q, (overwrite ? 0 : a.get(q)) + c * d.get(q));
                    }
                } else {
                    for (int q = 0; q < size; q++) {
                        a.put(q, (overwrite ? 0 : a.get(q)) + (gb.get(q) + c) * d.get(q));
                    }
                }
                return;
            }
            for (int r = 0; r < m1; r++) {
                int gRow = (r / o) * n2, row = r * m2;
                for (int j = 0, q = row; j < n2; j++) {
                    double gv = gb == null ? c : gb.get(gRow + j) + c;
                    for (int k = 0; k < o; k++, q++) {
                        a.put(q, (overwrite ? 0 : a.get(q)) + gv * d.get(q));
                    }
                }
            }
        }
    }
}
