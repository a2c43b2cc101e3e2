package org.ntk4j.core.analytic;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The infinite-width kernels of one pair of input sets.
 *
 * @param nngp {@code [n1, n2]}: the NNGP kernel, the covariance {@code Cov[z(x_i), z(x'_j)]} of one output
 *             pre-activation over random initialisations
 * @param ntk  {@code [n1, n2]}: the neural tangent kernel {@code Σ_θ ∂z(x_i)/∂θ · ∂z(x'_j)/∂θ} of one output
 *             pre-activation (the limit of the diagonal blocks of the empirical NTK; off-diagonal output blocks
 *             vanish in the limit, so this is also the limit of the TRACE kernel)
 * @param errorEstimate the estimated error of the numerical integration, relative to the kernels' natural scale
 *             {@code √(K(x,x) K(x',x'))} (see {@link FullyConnectedKernel}); 0 when every layer has a closed form,
 *             {@code NaN} when not estimated (a fixed Gauss–Hermite degree was requested)
 */
public record KernelPair(INDArray nngp, INDArray ntk, double errorEstimate) {

    /**
     * Kernels without an error estimate.
     *
     * @param nngp {@code [n1, n2]}
     * @param ntk  {@code [n1, n2]}
     */
    public KernelPair(INDArray nngp, INDArray ntk) {
        this(nngp, ntk, Double.NaN);
    }

    /**
     * Validates equal shapes of rank 2.
     *
     * @param nngp {@code [n1, n2]}: the NNGP kernel, the covariance {@code Cov[z(x_i), z(x'_j)]} of one output
     *             pre-activation over random initialisations
     * @param ntk  {@code [n1, n2]}: the neural tangent kernel {@code Σ_θ ∂z(x_i)/∂θ · ∂z(x'_j)/∂θ} of one output
     *             pre-activation (the limit of the diagonal blocks of the empirical NTK; off-diagonal output blocks
     *             vanish in the limit, so this is also the limit of the TRACE kernel)
     * @param errorEstimate the estimated error of the numerical integration, relative to the kernels' natural scale
     */
    public KernelPair {
        if (nngp == null || ntk == null) {
            throw new IllegalArgumentException("nngp and ntk must not be null (got: " + (nngp == null ? "null" : "an array")
                    + " and " + (ntk == null ? "null" : "an array") + ")");
        }
        if (nngp.rank() != 2 || !Arrays.equals(nngp.shape(), ntk.shape())) {
            throw new IllegalArgumentException("nngp and ntk must both be [n1, n2] (got: "
                    + Arrays.toString(nngp.shape()) + " and " + Arrays.toString(ntk.shape()) + ")");
        }
    }

    /** @return {@code [n1, n2]} */
    public long[] shape() {
        return nngp.shape();
    }
}
