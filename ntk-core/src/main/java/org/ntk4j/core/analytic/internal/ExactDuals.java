package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.Nonlinearity;

import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.stream.IntStream;

/**
 * {@code Ĉ = E[φ(u)φ(v)]} and {@code Ė = E[φ'(u)φ'(v)]} for many pairs, to a requested accuracy, with an error
 * estimate. The pair {@code (i, j)} has variances {@code q_i, q_j} (rows of two {@link HermiteTable}s), covariance
 * {@code k12} and the tables' common mean.
 *
 * <ol>
 *   <li>Mehler's series from the tables, stopped at the first block whose rigorous truncation bound is below the
 *       target (relative to the Cauchy–Schwarz scale {@code √(E[φ(u)²] E[φ(v)²])}); cost {@code O(K)} per pair.</li>
 *   <li>If it cannot certify the target and the activation has a {@link KinkPart}: Mehler's series of the kink split
 *       {@code φ = ψ + r}, {@code ψ}'s part in closed form (see {@code kinked}); cost {@code O(K)} plus one closed
 *       form.</li>
 *   <li>Otherwise (correlations near ±1 for functions whose coefficients decay slowly) nested one-dimensional
 *       integration {@code E[φ(u) E[φ(v) | u]]}: outer over {@code u}, inner over the conditional Gaussian of
 *       {@code v}, both with {@link GaussianRule} (split at the breakpoints, graded, nested error estimates).</li>
 *   <li>The same example on both sides (a diagonal entry): the table's energies.</li>
 * </ol>
 * Each result carries its estimated absolute error: the Mehler truncation bound plus the propagated coefficient
 * errors, or the nested rule's outer estimate plus its inner estimates weighted by the outer integrand. When the
 * latter misses the target (its nested 15/7/3-node estimate is far too pessimistic where the coarse rules are not yet
 * converging, e.g. on the wide tail panels), the pair is integrated again with every composite panel halved; that
 * result is kept, with the difference of the two (plus the estimates of inner Gauss–Hermite rules) as its error.
 */
public final class ExactDuals {
    private static final double PAIR_PANEL = 1.5;

    private ExactDuals() {
    }

    /** Per-thread buffers of the nested rule. */
    private static final class Work {
        final GaussianRule outer = new GaussianRule();
        final GaussianRule inner = new GaussianRule();
        double[] fo = new double[0];
        double[] go = new double[0];
        double[] fi = new double[0];
        double[] gi = new double[0];
        final double[] out = new double[4];
        double[] breaks = new double[0];
    }

    /**
     * Fills {@code c[p]} and {@code e[p]}, {@code p < m}.
     *
     * @param t1       table of the first examples
     * @param rows     row of pair {@code p} in {@code t1}
     * @param t2       table of the second examples
     * @param cols     row of pair {@code p} in {@code t2}
     * @param same     whether pair {@code p} is one example with itself (then {@code t1 == t2}); may be null
     * @param target   per-pair accuracy goal, relative to the Cauchy–Schwarz scale
     * @return the largest estimated error of any result, relative to its Cauchy–Schwarz scale
     */
    public static double compute(Nonlinearity phi, HermiteTable t1, int[] rows, HermiteTable t2, int[] cols,
                                 boolean[] same, double[] k12, int m, double target, boolean parallel,
                                 double[] c, double[] e) {
        DoubleAccumulator worst = new DoubleAccumulator(Math::max, 0.0);
        double[] breaks = phi.breakpoints();
        double scale = phi.smoothnessScale();
        int chunk = 2048;
        int chunks = (m + chunk - 1) / chunk;
        IntStream range = IntStream.range(0, chunks);
        if (parallel && chunks > 1) {
            range = range.parallel();
        }
        range.forEach(ch -> {
            Work w = null;
            double[] out6 = new double[6];
            double localWorst = 0;
            for (int p = ch * chunk, end = Math.min(m, p + chunk); p < end; p++) {
                int i = rows[p];
                int j = cols[p];
                double[] o;
                if (same != null && same[p]) {
                    c[p] = t1.ef[i];
                    e[p] = t1.eg[i];
                    localWorst = Math.max(localWorst, Math.max(rel(t1.efErr[i], t1.ef[i]), rel(t1.egErr[i], t1.eg[i])));
                    continue;
                }
                double q1 = Math.max(0.0, t1.q[i]);
                double q2 = Math.max(0.0, t2.q[j]);
                double s = Math.sqrt(q1 * q2);
                double rho = s > 0 ? Math.max(-1.0, Math.min(1.0, k12[p] / s)) : 0.0;
                // products of roots: the energies of a collapsing network (cube at small variances) underflow when
                // multiplied first
                double scaleC = Math.sqrt(t1.ef[i]) * Math.sqrt(t2.ef[j]);
                double scaleE = Math.sqrt(t1.eg[i]) * Math.sqrt(t2.eg[j]);
                o = out6;
                if (!mehler(t1, i, t2, j, rho, target, scaleC, scaleE, o)) {
                    if (w == null) {
                        w = new Work();
                    }
                    nested(phi, breaks, scale, t1.mean, q1, q2, rho, w, o, 1, true);
                    if (Math.max(rel(o[2], scaleC), rel(o[3], scaleE)) > target) {
                        double c0 = o[0];
                        double e0 = o[1];
                        nested(phi, breaks, scale, t1.mean, q1, q2, rho, w, o, 2, false);
                        o[2] = Math.abs(o[0] - c0) + o[4];
                        o[3] = Math.abs(o[1] - e0) + o[5];
                    }
                }
                c[p] = o[0];
                e[p] = o[1];
                localWorst = Math.max(localWorst, Math.max(rel(o[2], scaleC), rel(o[3], scaleE)));
            }
            worst.accumulate(localWorst);
        });
        return worst.get();
    }

    private static double rel(double err, double scale) {
        if (err <= 1e-280) {
            return 0.0;
        }
        return scale > 0 ? err / scale : Double.POSITIVE_INFINITY;
    }

    static boolean mehler(HermiteTable t1, int i, HermiteTable t2, int j, double rho, double target,
                                  double scaleC, double scaleE, double[] out) {
        int s = HermiteTable.K + 1;
        double[] a1 = t1.a;
        double[] a2 = t2.a;
        double[] b1 = t1.b;
        double[] b2 = t2.b;
        int ia = i * s;
        int ja = j * s;
        int nb = HermiteTable.BLOCKS.length;
        double sc = 0;
        double se = 0;
        double pw = 1;
        int k = 0;
        for (int blk = 0; blk < nb; blk++) {
            int end = HermiteTable.BLOCKS[blk];
            for (; k <= end; k++) {
                sc += a1[ia + k] * a2[ja + k] * pw;
                se += b1[ia + k] * b2[ja + k] * pw;
                pw *= rho;
            }
            double ap = Math.abs(pw);
            double boundC = ap * Math.sqrt(t1.rf[i * nb + blk]) * Math.sqrt(t2.rf[j * nb + blk]);
            double boundE = ap * Math.sqrt(t1.rg[i * nb + blk]) * Math.sqrt(t2.rg[j * nb + blk]);
            if (boundC <= target * scaleC + 1e-300 && boundE <= target * scaleE + 1e-300) {
                out[0] = sc;
                out[1] = se;
                out[2] = boundC + t1.aErr[i] * Math.sqrt(t2.ef[j]) + t2.aErr[j] * Math.sqrt(t1.ef[i]);
                out[3] = boundE + t1.bErr[i] * Math.sqrt(t2.eg[j]) + t2.bErr[j] * Math.sqrt(t1.eg[i]);
                return true;
            }
        }
        return t1.kink != null && t2.kink != null && kinked(t1, i, t2, j, rho, target, scaleC, scaleE, out);
    }

    /**
     * Mehler's series for the kink split {@code φ = ψ + r} ({@link KinkPart}): {@code E[φ(u)φ(v)] = E[ψψ] +
     * Σ_k (a_ik a_jk − p_ik p_jk) ρ^k}, the first term in closed form, the series being that of
     * {@code E[ψ r] + E[r ψ] + E[r r]}: its terms after {@code K'} add at most
     * {@code |ρ|^{K'+1} (√(P_i R_j) + √(R_i P_j) + √(R_i R_j))} with {@code P, R} the remainders of {@code ψ} and
     * {@code r} (Cauchy–Schwarz on each of the three series); the same for the derivatives.
     */
    private static boolean kinked(HermiteTable t1, int i, HermiteTable t2, int j, double rho, double target,
                                  double scaleC, double scaleE, double[] out) {
        int s = HermiteTable.K + 1;
        double[] a1 = t1.a;
        double[] a2 = t2.a;
        double[] b1 = t1.b;
        double[] b2 = t2.b;
        double[] p1 = t1.ap;
        double[] p2 = t2.ap;
        double[] d1 = t1.bp;
        double[] d2 = t2.bp;
        int ia = i * s;
        int ja = j * s;
        int nb = HermiteTable.BLOCKS.length;
        double sc = 0;
        double se = 0;
        double pw = 1;
        int k = 0;
        for (int blk = 0; blk < nb; blk++) {
            int end = HermiteTable.BLOCKS[blk];
            for (; k <= end; k++) {
                sc += (a1[ia + k] * a2[ja + k] - p1[ia + k] * p2[ja + k]) * pw;
                se += (b1[ia + k] * b2[ja + k] - d1[ia + k] * d2[ja + k]) * pw;
                pw *= rho;
            }
            int bi = i * nb + blk;
            int bj = j * nb + blk;
            double ap = Math.abs(pw);
            double boundC = ap * cross(t1.rpf[bi], t1.rrf[bi], t2.rpf[bj], t2.rrf[bj]);
            double boundE = ap * cross(t1.rpg[bi], t1.rrg[bi], t2.rpg[bj], t2.rrg[bj]);
            if (boundC <= target * scaleC + 1e-300 && boundE <= target * scaleE + 1e-300) {
                double q1 = Math.max(0.0, t1.q[i]);
                double q2 = Math.max(0.0, t2.q[j]);
                double[] psi = new double[2];
                t1.kink.products(t1.mean, q1, rho * Math.sqrt(q1) * Math.sqrt(q2), q2, psi);
                double sp = Math.sqrt(t1.epf[i]) * Math.sqrt(t2.epf[j]);
                double sd = Math.sqrt(t1.epg[i]) * Math.sqrt(t2.epg[j]);
                out[0] = psi[0] + sc;
                out[1] = psi[1] + se;
                // closed form of ψ: about 1e-14 of its Cauchy–Schwarz scale; coefficient errors of φ and ψ
                out[2] = boundC + 1e-13 * sp + t1.aErr[i] * Math.sqrt(t2.ef[j]) + t2.aErr[j] * Math.sqrt(t1.ef[i])
                        + t1.apErr[i] * Math.sqrt(t2.epf[j]) + t2.apErr[j] * Math.sqrt(t1.epf[i]);
                out[3] = boundE + 1e-13 * sd + t1.bErr[i] * Math.sqrt(t2.eg[j]) + t2.bErr[j] * Math.sqrt(t1.eg[i])
                        + t1.bpErr[i] * Math.sqrt(t2.epg[j]) + t2.bpErr[j] * Math.sqrt(t1.epg[i]);
                return true;
            }
        }
        return false;
    }

    /** √(P_i R_j) + √(R_i P_j) + √(R_i R_j). */
    private static double cross(double pi, double ri, double pj, double rj) {
        double spi = Math.sqrt(pi);
        double sri = Math.sqrt(ri);
        double spj = Math.sqrt(pj);
        double srj = Math.sqrt(rj);
        return spi * srj + sri * spj + sri * srj;
    }

    /**
     * Nested conditional integration of one pair; out = {Ĉ, Ė, err Ĉ, err Ė, err Ĉ of Gauss–Hermite inner rules,
     * the same for Ė}: the error estimates are the outer rule's nested estimate plus the inner estimates weighted by
     * the outer integrand, the last two only those of inner rules that took the Gauss–Hermite shortcut (which
     * {@code split} does not refine) plus rounding. {@code split = 1} with the outer Gauss–Hermite shortcut allowed:
     * the production rule; {@code split = 2} (every composite panel, outer and inner, halved) without it: the check.
     */
    static void nested(Nonlinearity phi, double[] breaks, double scale, double mean, double q1, double q2,
                       double rho, Work w, double[] out, int split, boolean outerHermite) {
        double s1 = Math.sqrt(q1);
        double s2 = Math.sqrt(q2);
        double along = s2 * rho;
        double tau = s2 * Math.sqrt(Math.max(0.0, 1 - rho * rho));
        // the outer integrand is φ(u)·E[φ(v)|u]: the conditional expectation varies in u on the scale
        // s1·max(w, τ)/|ρ s2| around the images of 0 and of the breakpoints; the outer rule is graded for both
        int nb = breaks.length;
        if (w.breaks.length < 2 * nb + 1) {
            w.breaks = new double[2 * nb + 1];
        }
        System.arraycopy(breaks, 0, w.breaks, 0, nb);
        int cnt = nb;
        double outerScale = scale;
        if (Math.abs(along) > 0 && s1 > 0) {
            if (tau > 0) {
                // near a mapped breakpoint E[φ(v)|u] turns on the scale τ; near the image of 0 on max(w, τ)
                double feature = nb > 0 ? tau : Math.max(scale, tau);
                outerScale = Math.max(1e-6 * s1, Math.min(scale, s1 * feature / Math.abs(along)));
            }
            w.breaks[cnt++] = mean + s1 * (0.0 - mean) / along;
            for (double b : breaks) {
                w.breaks[cnt++] = mean + s1 * (b - mean) / along;
            }
        }
        GaussianRule ro = w.outer;
        ro.build(mean, s1, w.breaks, cnt, outerScale, PAIR_PANEL, outerHermite, split, GaussianRule.L);
        int mo = ro.size;
        if (w.fo.length < mo) {
            w.fo = new double[ro.u.length];
            w.go = new double[ro.u.length];
        }
        phi.evaluate(ro.u, mo, w.fo, w.go);
        double c15 = 0, c7 = 0, c3 = 0, cAbs = 0, cInner = 0;
        double e15 = 0, e7 = 0, e3 = 0, eAbs = 0, eInner = 0;
        double cHermite = 0, eHermite = 0;
        GaussianRule ri = w.inner;
        for (int o = 0; o < mo; o++) {
            ri.build(mean + along * ro.xi[o], tau, breaks, breaks.length, scale, PAIR_PANEL, true, split, GaussianRule.L);
            int mi = ri.size;
            if (w.fi.length < mi) {
                w.fi = new double[ri.u.length];
                w.gi = new double[ri.u.length];
            }
            double[] fi = w.fi;
            double[] gi = w.gi;
            phi.evaluate(ri.u, mi, fi, gi);
            double hf15 = 0, hf7 = 0, hf3 = 0, hfAbs = 0;
            double hg15 = 0, hg7 = 0, hg3 = 0, hgAbs = 0;
            for (int p = 0; p < mi; p++) {
                double wa = ri.w15[p];
                double wb = ri.w7[p];
                double wc = ri.w3[p];
                double f = fi[p];
                double g = gi[p];
                hf15 += wa * f;
                hf7 += wb * f;
                hf3 += wc * f;
                hfAbs += Math.abs(wa * f);
                hg15 += wa * g;
                hg7 += wb * g;
                hg3 += wc * g;
                hgAbs += Math.abs(wa * g);
            }
            double fo = w.fo[o];
            double go = w.go[o];
            double cf = fo * hf15;
            double eg = go * hg15;
            c15 += ro.w15[o] * cf;
            c7 += ro.w7[o] * cf;
            c3 += ro.w3[o] * cf;
            cAbs += Math.abs(ro.w15[o] * cf);
            e15 += ro.w15[o] * eg;
            e7 += ro.w7[o] * eg;
            e3 += ro.w3[o] * eg;
            eAbs += Math.abs(ro.w15[o] * eg);
            double wo = Math.max(Math.abs(ro.w15[o]), Math.max(Math.abs(ro.w7[o]), Math.abs(ro.w3[o])));
            double ic = wo * Math.abs(fo) * GaussianRule.estimate(hf15, hf7, hf3, hfAbs);
            double ie = wo * Math.abs(go) * GaussianRule.estimate(hg15, hg7, hg3, hgAbs);
            cInner += ic;
            eInner += ie;
            if (ri.hermite) {
                cHermite += ic;
                eHermite += ie;
            }
        }
        out[0] = c15;
        out[1] = e15;
        out[2] = GaussianRule.estimate(c15, c7, c3, cAbs) + cInner;
        out[3] = GaussianRule.estimate(e15, e7, e3, eAbs) + eInner;
        out[4] = cHermite + 4e-16 * cAbs;
        out[5] = eHermite + 4e-16 * eAbs;
    }
}
