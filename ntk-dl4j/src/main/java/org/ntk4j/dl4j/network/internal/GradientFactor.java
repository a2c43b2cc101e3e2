package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Explicit per-example parameter gradients of one unit: {@code g} is {@code [n·o, p]} stacked example-major.
 * Contraction is one matrix product.
 */
public final class GradientFactor implements Factor {
    private final INDArray g;
    private final int outputs;

    /**
     * @param g       {@code [n·o, p]}
     * @param outputs o
     */
    public GradientFactor(INDArray g, int outputs) {
        this.g = g;
        this.outputs = outputs;
    }

    /** @return the gradient rows {@code [n·o, p]} */
    public INDArray gradients() {
        return g;
    }

    @Override
    public INDArray traceSum(Factor other) {
        INDArray h = ((GradientFactor) other).g;
        long p = g.size(1);
        INDArray a = g.reshape('c', g.size(0) / outputs, outputs * p);
        INDArray b = h.reshape('c', h.size(0) / outputs, outputs * p);
        return a.mmul(b.transpose());
    }

    @Override
    public INDArray full(Factor other) {
        return g.mmul(((GradientFactor) other).g.transpose());
    }

    @Override
    public long bytes() {
        return g.length() * g.dataType().width();
    }
}
