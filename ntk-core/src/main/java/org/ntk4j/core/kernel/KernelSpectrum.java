package org.ntk4j.core.kernel;

import java.util.Arrays;

/**
 * The eigenvalues of a symmetric kernel matrix and the scalar summaries derived from them. Immutable.
 *
 * <p>For a FULL kernel {@code [n, n, o, o]} the matrix is its flat form {@code [n·o, n·o]} (see {@link KernelLayout});
 * for a TRACE kernel {@code [n, n]} it is that matrix. Eigenvalues are those of the symmetric part
 * {@code (K + Kᵀ)/2}, computed in DOUBLE whatever the kernel's data type.
 *
 * <ul>
 *   <li>{@link #conditionNumber()} is {@code λmax/λmin}, and {@code +∞} when {@code λmin ≤ 0} (a singular kernel;
 *   rounding can make the smallest eigenvalue of a PSD kernel slightly negative).</li>
 *   <li>{@link #effectiveRank()} is the <b>participation ratio</b> {@code (Σλ)² / Σλ²} of the eigenvalues clipped at 0:
 *   between 1 (one dominant direction) and the matrix size (all eigenvalues equal).</li>
 *   <li>{@link #entropyEffectiveRank()} is the entropy effective rank of Roy and Vetterli (2007),
 *   {@code exp(−Σ p_i ln p_i)} with {@code p_i = λ_i / Σλ} (clipped at 0); same range.</li>
 * </ul>
 * Both effective ranks are NaN for a kernel with no positive eigenvalue.
 */
public final class KernelSpectrum {
    private final double[] eigenvalues;

    private KernelSpectrum(double[] descending) {
        this.eigenvalues = descending;
    }

    /**
     * @param eigenvalues the eigenvalues in any order (copied), at least one, all finite
     * @return the spectrum
     */
    public static KernelSpectrum of(double[] eigenvalues) {
        if (eigenvalues == null || eigenvalues.length == 0) {
            throw new IllegalArgumentException("a spectrum needs at least one eigenvalue (got: "
                    + (eigenvalues == null ? "null" : "none") + ")");
        }
        double[] d = eigenvalues.clone();
        for (double v : d) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("eigenvalues must be finite (got: " + v + ")");
            }
        }
        Arrays.sort(d);
        for (int i = 0, j = d.length - 1; i < j; i++, j--) {
            double t = d[i];
            d[i] = d[j];
            d[j] = t;
        }
        return new KernelSpectrum(d);
    }

    /** @return a copy of the eigenvalues, largest first */
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** @return the matrix size (number of eigenvalues) */
    public int size() {
        return eigenvalues.length;
    }

    /** @return the largest eigenvalue */
    public double lambdaMax() {
        return eigenvalues[0];
    }

    /** @return the smallest eigenvalue (may be slightly negative by rounding) */
    public double lambdaMin() {
        return eigenvalues[eigenvalues.length - 1];
    }

    /** @return the sum of the eigenvalues (the trace of the symmetric part) */
    public double sum() {
        double s = 0;
        for (double v : eigenvalues) {
            s += v;
        }
        return s;
    }

    /** @return {@code λmax/λmin}, or {@code +∞} when {@code λmin ≤ 0} */
    public double conditionNumber() {
        double min = lambdaMin();
        return min > 0 ? lambdaMax() / min : Double.POSITIVE_INFINITY;
    }

    /** @return the participation ratio {@code (Σλ)²/Σλ²} over eigenvalues clipped at 0; NaN if none is positive */
    public double effectiveRank() {
        double s = 0, s2 = 0;
        for (double v : eigenvalues) {
            double c = Math.max(v, 0);
            s += c;
            s2 += c * c;
        }
        return s2 > 0 ? s * s / s2 : Double.NaN;
    }

    /** @return {@code exp(−Σ p ln p)}, {@code p = λ/Σλ} over eigenvalues clipped at 0; NaN if none is positive */
    public double entropyEffectiveRank() {
        double s = 0;
        for (double v : eigenvalues) {
            s += Math.max(v, 0);
        }
        if (!(s > 0)) {
            return Double.NaN;
        }
        double h = 0;
        for (double v : eigenvalues) {
            double p = Math.max(v, 0) / s;
            if (p > 0) {
                h -= p * Math.log(p);
            }
        }
        return Math.exp(h);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KernelSpectrum k && Arrays.equals(eigenvalues, k.eigenvalues);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(eigenvalues);
    }

    @Override
    public String toString() {
        return "KernelSpectrum[size=" + size() + ", λmax=" + lambdaMax() + ", λmin=" + lambdaMin()
                + ", effectiveRank=" + effectiveRank() + "]";
    }
}
