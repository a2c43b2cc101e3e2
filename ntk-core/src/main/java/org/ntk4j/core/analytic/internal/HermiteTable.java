package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.Nonlinearity;

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
 * rule of order ≥ 1, even at an undeclared kink). {@link HermiteRows} computes the rows in batches of examples that
 * share a mesh.
 *
 * <p>When the activation has a {@link KinkPart} {@code ψ} (a jump of {@code φ} or {@code φ'} at a breakpoint), the
 * table also holds the coefficients of {@code ψ} and {@code ψ'}, the energies of {@code ψ}, {@code ψ'},
 * {@code r = φ − ψ}, {@code r'}, and their remainders, for Mehler's series of the kink split in {@link ExactDuals}.
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
    /** The kink part ψ of the activation, or null (then the fields below are null). */
    final KinkPart kink;
    /** Coefficients of ψ(μ + √q_i x) and ψ'(μ + √q_i x), as {@link #a}, {@link #b}. */
    final double[] ap;
    final double[] bp;
    /** E[ψ²], E[ψ'²], E[(φ − ψ)²], E[(φ' − ψ')²]. */
    final double[] epf;
    final double[] epg;
    final double[] erf;
    final double[] erg;
    /** Error estimates of ψ's and ψ''s coefficient vectors (2-norm). */
    final double[] apErr;
    final double[] bpErr;
    /** Remainders after each block of ψ, ψ', φ − ψ, φ' − ψ' (as {@link #rf}). */
    final double[] rpf;
    final double[] rpg;
    final double[] rrf;
    final double[] rrg;

    private HermiteTable(int n, double[] q, double mean, KinkPart kink) {
        this.n = n;
        this.q = q;
        this.mean = mean;
        this.kink = kink;
        int nb = BLOCKS.length;
        int s0 = K + 1;
        boolean k = kink != null;
        ap = k ? new double[n * s0] : null;
        bp = k ? new double[n * s0] : null;
        epf = k ? new double[n] : null;
        epg = k ? new double[n] : null;
        erf = k ? new double[n] : null;
        erg = k ? new double[n] : null;
        apErr = k ? new double[n] : null;
        bpErr = k ? new double[n] : null;
        rpf = k ? new double[n * nb] : null;
        rpg = k ? new double[n * nb] : null;
        rrf = k ? new double[n * nb] : null;
        rrg = k ? new double[n * nb] : null;
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
        HermiteTable t = new HermiteTable(n, q, mean, KinkPart.of(phi));
        HermiteRows.fill(t, phi, parallel);
        return t;
    }

    /**
     * Stores row {@code i} from its two passes: {@code coarse} (plain panels) and {@code fine} (halved panels),
     * each {@code [channel][degree]} (channels φ, φ', then ψ, ψ' when the table has a kink part), and their energies
     * {@code E[φ²], E[φ'²]} (then {@code E[ψ²], E[ψ'²], E[(φ−ψ)²], E[(φ'−ψ')²]}) with the sums of their absolute
     * terms. The finer values are kept: the difference bounds their error whenever halving the panels at least
     * halves it (any rule of order ≥ 1, even at an undeclared kink).
     */
    void store(int i, double[][] coarse, double[][] fine, double[] eCoarse, double[] eFine, double[] absFine) {
        int s = K + 1;
        double[] a15 = fine[0];
        double[] b15 = fine[1];
        System.arraycopy(a15, 0, a, i * s, s);
        System.arraycopy(b15, 0, b, i * s, s);
        double f15 = eFine[0];
        double g15 = eFine[1];
        ef[i] = f15;
        eg[i] = g15;
        efErr[i] = Math.abs(f15 - eCoarse[0]) + 2e-15 * absFine[0];
        egErr[i] = Math.abs(g15 - eCoarse[1]) + 2e-15 * absFine[1];
        aErr[i] = distance(a15, coarse[0]) + 2e-16 * Math.sqrt(f15) * (K + 1);
        bErr[i] = distance(b15, coarse[1]) + 2e-16 * Math.sqrt(g15) * (K + 1);
        remainders(a15, null, f15, efErr[i], aErr[i], rf, i);
        remainders(b15, null, g15, egErr[i], bErr[i], rg, i);
        if (kink == null) {
            return;
        }
        System.arraycopy(fine[2], 0, ap, i * s, s);
        System.arraycopy(fine[3], 0, bp, i * s, s);
        epf[i] = eFine[2];
        epg[i] = eFine[3];
        erf[i] = eFine[4];
        erg[i] = eFine[5];
        double epfErr = Math.abs(eFine[2] - eCoarse[2]) + 2e-15 * absFine[2];
        double epgErr = Math.abs(eFine[3] - eCoarse[3]) + 2e-15 * absFine[3];
        double erfErr = Math.abs(eFine[4] - eCoarse[4]) + 2e-15 * absFine[4];
        double ergErr = Math.abs(eFine[5] - eCoarse[5]) + 2e-15 * absFine[5];
        apErr[i] = distance(fine[2], coarse[2]) + 2e-16 * Math.sqrt(eFine[2]) * (K + 1);
        bpErr[i] = distance(fine[3], coarse[3]) + 2e-16 * Math.sqrt(eFine[3]) * (K + 1);
        remainders(fine[2], null, eFine[2], epfErr, apErr[i], rpf, i);
        remainders(fine[3], null, eFine[3], epgErr, bpErr[i], rpg, i);
        // the remainder r = φ − ψ: coefficients a − aψ, error at most the sum of both vectors' errors
        remainders(a15, fine[2], eFine[4], erfErr, aErr[i] + apErr[i], rrf, i);
        remainders(b15, fine[3], eFine[5], ergErr, bErr[i] + bpErr[i], rrg, i);
    }

    /**
     * Remainders after each block of {@code c − minus} (or {@code c}), inflated by the estimated errors of the
     * energy and of the partial sum.
     */
    private static void remainders(double[] c, double[] minus, double energy, double energyErr, double vecErr,
                                   double[] out, int i) {
        double sa = 0;
        int k = 0;
        for (int blk = 0; blk < BLOCKS.length; blk++) {
            for (; k <= BLOCKS[blk]; k++) {
                double v = minus == null ? c[k] : c[k] - minus[k];
                sa += v * v;
            }
            out[i * BLOCKS.length + blk] = Math.max(0.0, energy - sa) + energyErr + 2 * Math.sqrt(energy) * vecErr
                    + 1e-15 * energy;
        }
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
