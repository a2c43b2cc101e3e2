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
 * <p>Coefficients and energies are computed twice with a {@link GaussianRule} split at the breakpoints over
 * {@code ±}{@value #RANGE} standard deviations: with panels at most {@value #PANEL} wide in {@code x} (so that
 * {@code h_K} is resolved), and with every panel halved. The finer values are kept; their error estimates are the
 * differences — the coefficient vectors' 2-norm distance over every degree, the energies' difference — plus
 * rounding: an upper estimate of the finer rule's error whenever halving the panels at least halves the error (any
 * rule of order ≥ 1, even at an undeclared kink).
 */
public final class HermiteTable {
    /** Highest Hermite degree. */
    public static final int K = 64;
    /** Degrees after which the truncation bound is checked. */
    static final int[] BLOCKS = {8, 16, 32, 48, K};
    static final double PANEL = 0.6;
    /**
     * Half-range of both rules in standard deviations: wider than {@link GaussianRule#L} because {@code h_K √φ} is
     * still {@code ≈ 1e-9} at 9 (its turning point is {@code 2√K = 16}); at 13 below {@code 1e-18}.
     */
    static final double RANGE = 13.0;

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
        final double[][] acc = new double[4][K + 1];
        final double[] abs = new double[2];
        final double[] sums = new double[4];
    }

    private void fill(Nonlinearity phi, double[] breaks, double scale, int i, Work w) {
        double var = Math.max(0.0, q[i]);
        GaussianRule r = w.rule;
        double[][] acc = w.acc;
        for (double[] row : acc) {
            java.util.Arrays.fill(row, 0.0);
        }
        double[] sums = w.sums;
        // the plain rule, then the finer rule with every panel halved; their difference estimates the error over
        // every degree
        r.build(mean, Math.sqrt(var), breaks, breaks.length, scale, PANEL, false, 1, RANGE);
        integrate(phi, r, w, acc[0], acc[1], sums, 0);
        r.build(mean, Math.sqrt(var), breaks, breaks.length, scale, PANEL, false, 2, RANGE);
        integrate(phi, r, w, acc[2], acc[3], sums, 2);
        // the finer rule's values are kept: the difference bounds their error whenever halving the panels at least
        // halves it (any rule of order ≥ 1, even at an undeclared kink)
        double[] a15 = acc[2];
        double[] b15 = acc[3];
        double f15 = sums[2];
        double g15 = sums[3];
        int s = K + 1;
        System.arraycopy(a15, 0, a, i * s, s);
        System.arraycopy(b15, 0, b, i * s, s);
        ef[i] = f15;
        eg[i] = g15;
        efErr[i] = Math.abs(f15 - sums[0]) + 2e-15 * w.abs[0];
        egErr[i] = Math.abs(g15 - sums[1]) + 2e-15 * w.abs[1];
        aErr[i] = distance(a15, acc[0]) + 2e-16 * Math.sqrt(f15) * (K + 1);
        bErr[i] = distance(b15, acc[1]) + 2e-16 * Math.sqrt(g15) * (K + 1);
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

    /** Coefficients and energies by the rule's production weights into {@code ca, cb, sums[at], sums[at + 1]}. */
    private static void integrate(Nonlinearity phi, GaussianRule r, Work w, double[] ca, double[] cb, double[] sums,
                                  int at) {
        int m = r.size;
        if (w.f.length < m) {
            w.f = new double[r.u.length];
            w.g = new double[r.u.length];
        }
        double[] f = w.f;
        double[] g = w.g;
        phi.evaluate(r.u, m, f, g);
        double f15 = 0, g15 = 0, fAbs = 0, gAbs = 0;
        for (int p = 0; p < m; p++) {
            double x = r.xi[p];
            double fv = f[p];
            double gv = g[p];
            double wa = r.w15[p];
            f15 += wa * fv * fv;
            g15 += wa * gv * gv;
            fAbs += Math.abs(wa * fv * fv);
            gAbs += Math.abs(wa * gv * gv);
            double hPrev = 0;
            double h = 1;
            double fa = wa * fv;
            double ga = wa * gv;
            for (int k = 0; k <= K; k++) {
                ca[k] += fa * h;
                cb[k] += ga * h;
                double next = (x * h - SQRT[k] * hPrev) * INV_SQRT[k + 1];
                hPrev = h;
                h = next;
            }
        }
        sums[at] = f15;
        sums[at + 1] = g15;
        w.abs[0] = fAbs;
        w.abs[1] = gAbs;
    }

    private static double distance(double[] u, double[] v) {
        double d = 0;
        for (int k = 0; k <= K; k++) {
            d += (u[k] - v[k]) * (u[k] - v[k]);
        }
        return Math.sqrt(d);
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
