package org.ntk4j.core.analytic.internal;

/**
 * {@code arccos} in pure Java, to within a few units in the last place of {@link Math#acos} (checked in the tests) and
 * several times faster on HotSpot, where {@code Math.acos} is a native call (it dominates the ReLU closed form on
 * convolutional kernels: one per pixel pair and layer).
 *
 * <p>From the Maclaurin series {@code asin z = Σ_k c_k z^{2k+1}}, {@code c_k = (2k)! / (4^k (k!)² (2k + 1))}, evaluated
 * for {@code |z| ≤ 1/2} only (terms fall by at least 4× each, so {@value #TERMS} terms reach double precision):
 * {@code acos ρ = π/2 − asin ρ} for {@code |ρ| ≤ 1/2}; {@code acos ρ = 2 asin √((1 − ρ)/2)} for {@code ρ > 1/2} and
 * {@code π − 2 asin √((1 + ρ)/2)} for {@code ρ < −1/2}, where {@code 1 ∓ ρ} is exact.
 */
public final class FastArc {
    static final int TERMS = 28;
    private static final double[] C = new double[TERMS];

    static {
        // c_0 = 1; c_k / c_{k−1} = (2k − 1)² / (2k (2k + 1)), carried through the central binomial ratio
        double b = 1.0;
        for (int k = 0; k < TERMS; k++) {
            if (k > 0) {
                b *= (2.0 * k - 1) / (2.0 * k);
            }
            C[k] = b / (2 * k + 1);
        }
    }

    private FastArc() {
    }

    /** asin z for |z| ≤ 1/2 (Horner in z²). */
    private static double asinSmall(double z) {
        double z2 = z * z;
        double s = C[TERMS - 1];
        for (int k = TERMS - 2; k >= 0; k--) {
            s = s * z2 + C[k];
        }
        return z * s;
    }

    /**
     * @param rho a value in {@code [−1, 1]} (values outside are clamped; NaN gives NaN)
     * @return {@code arccos ρ} in {@code [0, π]}
     */
    public static double acos(double rho) {
        if (rho != rho) {
            return Double.NaN;
        }
        if (rho >= 1.0) {
            return 0.0;
        }
        if (rho <= -1.0) {
            return Math.PI;
        }
        if (rho > 0.5) {
            return 2 * asinSmall(Math.sqrt(0.5 * (1 - rho)));
        }
        if (rho < -0.5) {
            return Math.PI - 2 * asinSmall(Math.sqrt(0.5 * (1 + rho)));
        }
        return Math.PI / 2 - asinSmall(rho);
    }

    /**
     * @param z a value in {@code [−1, 1]} (values outside are clamped; NaN gives NaN)
     * @return {@code arcsin z} in {@code [−π/2, π/2]}, odd in {@code z}, within 4 ulp (the same series;
     *         {@code π/2 − 2 asin √((1 − |z|)/2)} for {@code |z| > 1/2})
     */
    public static double asin(double z) {
        if (z != z) {
            return Double.NaN;
        }
        double a = Math.abs(z);
        double r;
        if (a >= 1.0) {
            r = Math.PI / 2;
        } else if (a > 0.5) {
            r = Math.PI / 2 - 2 * asinSmall(Math.sqrt(0.5 * (1 - a)));
        } else {
            r = asinSmall(a);
        }
        return z < 0 ? -r : r;
    }
}
