package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The factorized contribution of a unit whose per-example gradient is an outer product {@code a ⊗ δ}
 * (dense, embedding): {@code Θ_unit[i, j, k, l] = G[i, j] · <δ_ik, δ'_jl>} with {@code G = A A'ᵀ (+ 1 for a bias)}.
 * Never forms the gradient itself.
 */
public final class GramFactor implements Factor {
    /** How the example Gram matrix {@code G} of two blocks is formed. */
    public interface Gram {
        /**
         * @param other the other block's Gram source
         * @return {@code [n1, n2]}
         */
        INDArray gram(Gram other);

        /** @return bytes held */
        long bytes();
    }

    private final Gram gram;
    private final INDArray delta;
    private final int outputs;

    /**
     * @param gram    the example side
     * @param delta   {@code [n·o, m]} example-major stacked gradients w.r.t. the unit's pre-activation
     * @param outputs o
     */
    public GramFactor(Gram gram, INDArray delta, int outputs) {
        this.gram = gram;
        // the trace contraction views delta as [n, o·m], which needs c order unless o = 1
        this.delta = outputs == 1 || delta.ordering() == 'c' ? delta : delta.dup('c');
        this.outputs = outputs;
    }

    @Override
    public INDArray traceSum(Factor other) {
        GramFactor f = (GramFactor) other;
        long m = delta.size(1);
        INDArray a = outputs == 1 ? delta : delta.reshape('c', delta.size(0) / outputs, outputs * m);
        INDArray b = outputs == 1 ? f.delta : f.delta.reshape('c', f.delta.size(0) / outputs, outputs * m);
        INDArray dd = a.mmul(b.transpose());
        return dd.muli(gram.gram(f.gram));
    }

    @Override
    public INDArray full(Factor other) {
        GramFactor f = (GramFactor) other;
        INDArray dd = delta.mmul(f.delta.transpose());
        INDArray g = gram.gram(f.gram);
        long n1 = g.size(0), n2 = g.size(1);
        INDArray expanded = g.reshape('c', n1, 1, n2, 1).broadcast(n1, outputs, n2, outputs)
                .dup('c').reshape('c', n1 * outputs, n2 * outputs);
        return dd.muli(expanded);
    }

    @Override
    public long bytes() {
        return gram.bytes() + delta.length() * delta.dataType().width();
    }

    /** Gram of dense inputs {@code A A'ᵀ}, plus 1 when the bias is a parameter, minus the weight term when it is not. */
    public record DenseGram(INDArray inputs, boolean weights, boolean bias) implements Gram {
        @Override
        public INDArray gram(Gram other) {
            DenseGram o = (DenseGram) other;
            INDArray g;
            if (weights) {
                g = inputs.mmul(o.inputs.transpose());
            } else {
                g = org.nd4j.linalg.factory.Nd4j.zeros(inputs.dataType(), inputs.size(0), o.inputs.size(0));
            }
            return bias ? g.addi(1.0) : g;
        }

        @Override
        public long bytes() {
            return inputs.length() * inputs.dataType().width();
        }
    }

    /** Gram of embedding lookups: 1 where both examples look up the same row (when the table is a parameter), plus bias. */
    public record IndexGram(INDArray indices, boolean weights, boolean bias) implements Gram {
        @Override
        public INDArray gram(Gram other) {
            IndexGram o = (IndexGram) other;
            long n1 = indices.length(), n2 = o.indices.length();
            INDArray g;
            if (weights) {
                INDArray a = indices.reshape(n1, 1).broadcast(n1, n2);
                INDArray b = o.indices.reshape(1, n2).broadcast(n1, n2);
                g = a.eq(b).castTo(indices.dataType());
            } else {
                g = org.nd4j.linalg.factory.Nd4j.zeros(indices.dataType(), n1, n2);
            }
            return bias ? g.addi(1.0) : g;
        }

        @Override
        public long bytes() {
            return indices.length() * indices.dataType().width();
        }
    }
}
