package org.ntk4j.core.analytic;

/**
 * Gaussian expectations of a {@link Nonlinearity} in closed form.
 *
 * <p>For {@code (u, v)} jointly Gaussian with common mean {@code μ}, variances {@code k11, k22} and covariance
 * {@code k12}, an implementation returns {@code E[φ(u)φ(v)]} and {@code E[φ'(u)φ'(v)]} exactly, for every mean it
 * {@linkplain #supportsMean(double) supports}. Where it does not (most closed forms assume {@code μ = 0}), the kernel
 * falls back to Gauss–Hermite quadrature of the non-centred Gaussian.
 */
public interface GaussianClosedForm {
    /**
     * @param mean the common mean {@code μ} of {@code u} and {@code v}
     * @return whether {@link #valueProduct} and {@link #derivativeProduct} are exact at that mean
     */
    boolean supportsMean(double mean);

    /**
     * @param mean the common mean of {@code u} and {@code v}
     * @param k11  {@code Var[u]}
     * @param k12  {@code Cov[u, v]}
     * @param k22  {@code Var[v]}
     * @return {@code E[φ(u)φ(v)]} (a raw, not centred, second moment)
     */
    double valueProduct(double mean, double k11, double k12, double k22);

    /**
     * @param mean the common mean of {@code u} and {@code v}
     * @param k11  {@code Var[u]}
     * @param k12  {@code Cov[u, v]}
     * @param k22  {@code Var[v]}
     * @return {@code E[φ'(u)φ'(v)]}
     */
    double derivativeProduct(double mean, double k11, double k12, double k22);

    /**
     * Both products at once; implementations may share work between them.
     *
     * @param mean the common mean of {@code u} and {@code v}
     * @param k11  {@code Var[u]}
     * @param k12  {@code Cov[u, v]}
     * @param k22  {@code Var[v]}
     * @param out receives {@code E[φ(u)φ(v)]} at {@code out[0]} and {@code E[φ'(u)φ'(v)]} at {@code out[1]}
     */
    default void products(double mean, double k11, double k12, double k22, double[] out) {
        out[0] = valueProduct(mean, k11, k12, k22);
        out[1] = derivativeProduct(mean, k11, k12, k22);
    }
}
