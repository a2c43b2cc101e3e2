package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.Nonlinearity;

import java.util.stream.IntStream;

/**
 * Per-example Hermite coefficients of one layer's activation: for example {@code i} with pre-activation variance
 * {@code q_i} and common mean {@code μ}, {@code f_i(x) = φ(μ + √q_i x)} and {@code g_i(x) = φ'(μ + √q_i x)} are
 * expanded in the orthonormal Hermite polynomials {@code h_k = He_k/√k!} of {@code N(0, 1)}:
 * {@code a_ik = E[f_i h_k]}, {@code b_ik = E[g_i h_k]}, {@code k ≤ K}. By Mehler's formula, for a pair with
 * correlation {@code ρ}, {@code E[φ(u)φ(v)] = Σ_k a_ik a_jk ρ^k} and {@code E[φ'(u)φ'(v)] = Σ_k b_ik b_jk ρ^k}, and
 * by Cauchy–Schwarz (Parseval) the terms after {@code K'} add at most
 * {@code |ρ|^{K'+1} √(R_i(K') R_j(K'))} with {@code R_i(K') = E[f_i²] − Σ_{k≤K'} a_ik²}: a rigorous truncation bound,
 * computed from the energies {@code E[f_i²]} that the same rule integrates.
 *
 * <p>Coefficients, energies and their error estimates come from a {@link GaussianRule} with panels at most
 * {@value #PANEL} wide in {@code x} (so that {@code h_K} is resolved) split at the breakpoints.
 */
public final class HermiteTable {
    /** Highest Hermite degree. */
    public static final int K = 64;
    /** Degrees after which the truncation bound is checked. */
    static final int[] BLOCKS = {8, 16, 32, 48, K};
    static final double PANEL = 0.6;
    private static final int LOW = 16;

    final int n;
    /** a[i·(K+1) + k]. */
    final double[] a;
    final double[] b;
    /** E[f_i²], E[g_i²]. */
    final double[] ef;
    final double[] eg;
    /** Error estimates of the energies and of the coefficient vectors (2-norm). */
    final double[] efErr;
    final double[] egErr;
    final double[] aErr;
    final double[] bErr;
    /** Remainders R_i after each block: rf[i·B + blk]. */
    final double[] rf;
    final double[] rg;
    final double[] q;
    final double mean;

    private HermiteTable(int n, double[] q, double mean) {
        this.n = n;
        this.q = q;
        this.mean = mean;
        int s = K + 1;
        a = new double[n * s];
        b = new double[n * s];
        ef = new double[n];
        eg = new double[n];
        efErr = new double[n];
        egErr = new double[n];
        aErr = new double[n];
        bErr = new double[n];
        rf = new double[n * BLOCKS.length];
        rg = new double[n * BLOCKS.length];
    }

    /**
     * @param phi      the activation
     * @param mean     common mean of the pre-activations
     * @param q        per-example variances (negative rounding is treated as 0)
     * @param parallel whether to use the common fork-join pool
     * @return the table
     */
    public static HermiteTable of(Nonlinearity phi, double mean, double[] q, boolean parallel) {
        int n = q.length;
        HermiteTable t = new HermiteTable(n, q, mean);
        double[] breaks = phi.breakpoints();
        double scale = phi.smoothnessScale();
        int chunks = Math.max(1, Math.min(n, 64));
        IntStream range = IntStream.range(0, chunks);
        if (parallel && n > 8) {
            range = range.parallel();
        }
        range.forEach(c -> {
            Work w = new Work();
            for (int i = c; i < n; i += chunks) {
                t.fill(phi, breaks, scale, i, w);
            }
        });
        return t;
    }

    /** Per-thread buffers. */
    private static final class Work {
        final GaussianRule rule = new GaussianRule();
        double[] f = new double[0];
        double[] g = new double[0];
        final double[][] acc = new double[6][K + 1];
    }

    private void fill(Nonlinearity phi, double[] breaks, double scale, int i, Work w) {
        double var = Math.max(0.0, q[i]);
        GaussianRule r = w.rule;
        r.build(mean, Math.sqrt(var), breaks, scale, PANEL, false);
        int m = r.size;
        if (w.f.length < m) {
            w.f = new double[r.u.length];
            w.g = new double[r.u.length];
        }
        double[] f = w.f;
        double[] g = w.g;
        phi.evaluate(r.u, m, f, g);
        double[][] acc = w.acc;
        for (double[] row : acc) {
            java.util.Arrays.fill(row, 0.0);
        }
        double[] a15 = acc[0];
        double[] a7 = acc[1];
        double[] a3 = acc[2];
        double[] b15 = acc[3];
        double[] b7 = acc[4];
        double[] b3 = acc[5];
        double f15 = 0, f7 = 0, f3 = 0, g15 = 0, g7 = 0, g3 = 0, fAbs = 0, gAbs = 0;
        for (int p = 0; p < m; p++) {
            double x = r.xi[p];
            double fv = f[p];
            double gv = g[p];
            double wa = r.w15[p];
            double wb = r.w7[p];
            double wc = r.w3[p];
            f15 += wa * fv * fv;
            g15 += wa * gv * gv;
            fAbs += Math.abs(wa * fv * fv);
            gAbs += Math.abs(wa * gv * gv);
            double hPrev = 0;
            double h = 1;
            double fa = wa * fv;
            double ga = wa * gv;
            for (int k = 0; k <= K; k++) {
                a15[k] += fa * h;
                b15[k] += ga * h;
                double next = (x * h - SQRT[k] * hPrev) * INV_SQRT[k + 1];
                hPrev = h;
                h = next;
            }
            if (wb != 0 || wc != 0) {
                f7 += wb * fv * fv;
                g7 += wb * gv * gv;
                f3 += wc * fv * fv;
                g3 += wc * gv * gv;
                hPrev = 0;
                h = 1;
                for (int k = 0; k <= K; k++) {
                    a7[k] += wb * fv * h;
                    b7[k] += wb * gv * h;
                    a3[k] += wc * fv * h;
                    b3[k] += wc * gv * h;
                    double next = (x * h - SQRT[k] * hPrev) * INV_SQRT[k + 1];
                    hPrev = h;
                    h = next;
                }
            }
        }
        int s = K + 1;
        System.arraycopy(a15, 0, a, i * s, s);
        System.arraycopy(b15, 0, b, i * s, s);
        ef[i] = f15;
        eg[i] = g15;
        efErr[i] = GaussianRule.estimate(f15, f7, f3, fAbs);
        egErr[i] = GaussianRule.estimate(g15, g7, g3, gAbs);
        aErr[i] = vectorEstimate(a15, a7, a3, Math.sqrt(f15));
        bErr[i] = vectorEstimate(b15, b7, b3, Math.sqrt(g15));
        double sa = 0;
        double sb = 0;
        int k = 0;
        for (int blk = 0; blk < BLOCKS.length; blk++) {
            for (; k <= BLOCKS[blk]; k++) {
                sa += a15[k] * a15[k];
                sb += b15[k] * b15[k];
            }
            // remainder, inflated by the estimated errors of the energy and of the partial sum
            rf[i * BLOCKS.length + blk] = Math.max(0.0, f15 - sa) + efErr[i] + 2 * Math.sqrt(f15) * aErr[i]
                    + 1e-15 * f15;
            rg[i * BLOCKS.length + blk] = Math.max(0.0, g15 - sb) + egErr[i] + 2 * Math.sqrt(g15) * bErr[i]
                    + 1e-15 * g15;
        }
    }

    /**
     * Error estimate of a coefficient vector from the nested rules, over the degrees {@code k ≤ 16} that the coarse
     * rules resolve (the 3- and 7-node rules alias the higher Hermite polynomials, which the 15-node rule on panels
     * of width {@value #PANEL} integrates exactly to rounding — checked in the tests), scaled by √(65/17) for the
     * remaining degrees.
     */
    private static double vectorEstimate(double[] v15, double[] v7, double[] v3, double norm) {
        double d2 = 0;
        double d1 = 0;
        for (int k = 0; k <= LOW; k++) {
            d2 += (v15[k] - v7[k]) * (v15[k] - v7[k]);
            d1 += (v7[k] - v3[k]) * (v7[k] - v3[k]);
        }
        return Math.sqrt((K + 1.0) / (LOW + 1)) * GaussianRule.estimate(Math.sqrt(d2), 0, -Math.sqrt(d1), 0)
                + 2e-16 * norm * (K + 1);
    }

    static final double[] SQRT = new double[K + 2];
    static final double[] INV_SQRT = new double[K + 2];

    static {
        for (int k = 0; k < K + 2; k++) {
            SQRT[k] = Math.sqrt(k);
            INV_SQRT[k] = k == 0 ? 0.0 : 1.0 / Math.sqrt(k);
        }
    }

    /** @return the number of examples */
    public int size() {
        return n;
    }

    /** @return {@code E[φ(u)²]} of example {@code i} */
    public double valueEnergy(int i) {
        return ef[i];
    }

    /** @return {@code E[φ'(u)²]} of example {@code i} */
    public double derivativeEnergy(int i) {
        return eg[i];
    }

    /** @return estimated absolute errors of the two energies of example {@code i}, as {value, derivative} */
    public double[] energyErrors(int i) {
        return new double[]{efErr[i], egErr[i]};
    }
}
