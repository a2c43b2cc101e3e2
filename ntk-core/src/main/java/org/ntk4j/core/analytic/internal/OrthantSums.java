package org.ntk4j.core.analytic.internal;

import java.util.Arrays;

/**
 * The corner sums of {@link PiecewiseLinear}'s closed form for one pair, with the work shared where it can be:
 * <ul>
 *   <li>per example: the thresholds {@code h_i = (t_i − μ)/s}, {@code Q(h_i)}, {@code φ(h_i)} depend on one standard
 *       deviation only; they are kept in a per-thread table keyed by the exact bits of {@code (s, μ)} (a miss only
 *       recomputes them, so the cache never changes a result);</li>
 *   <li>per pair: the quadrature nodes of the orthant probability depend on ρ only ({@link BivariateNormal.Correlated});
 *       </li>
 *   <li>mirrored corners: when two thresholds are symmetric about the mean ({@code t_j − μ = −(t_i − μ)} exactly, as
 *       for hard-tanh and hard sigmoid at {@code μ = 0}), the corner {@code (−h, −k)} follows from {@code (h, k)}:
 *       {@code M₀(−h, −k) = Q(−h) − Q(k) + M₀(h, k)} ({@code P(X < h, Y < k)}), and {@code h*, k*} change sign, so
 *       {@code Q(−h*) = 1 − Q(h*)}; one orthant probability and two normal tails serve both corners. The corner with
 *       {@code h + k ≥ 0} (the smaller probability) is the one computed directly.</li>
 * </ul>
 * The formulas are those of {@link PiecewiseLinear}'s class comment.
 */
final class OrthantSums {
    /** Beyond this many standard deviations a threshold is treated as ±∞ (Q underflows to 0 at 38.5). */
    static final double FAR = 38.6;
    /** Cache slots per thread (a power of two, ≥ 2 tiles of examples). */
    private static final int SLOTS = 4096;

    private final double[] t;
    private final double[] dc;
    private final double[] dm;
    private final double[] dd;
    /** Pieces whose intercept, slope and derivative jumps are all 0 contribute nothing. */
    private final boolean[] zero;
    private final int stride;
    private final ThreadLocal<Work> work;

    OrthantSums(double[] t, double[] dc, double[] dm, double[] dd) {
        this.t = t;
        this.dc = dc;
        this.dm = dm;
        this.dd = dd;
        this.zero = new boolean[t.length + 1];
        for (int i = 0; i <= t.length; i++) {
            zero[i] = dc[i] == 0 && dm[i] == 0 && dd[i] == 0;
        }
        this.stride = 3 * (t.length + 1);
        this.work = ThreadLocal.withInitial(() -> new Work(t.length, stride));
    }

    /** Per-thread buffers: the threshold cache, the mirror map of the last mean, the orthant nodes. */
    private static final class Work {
        final BivariateNormal.Correlated bvn = new BivariateNormal.Correlated();
        final long[] keyS = new long[SLOTS + 1];
        final long[] keyMean = new long[SLOTS + 1];
        /** Slot j: h[0..n], Q(h)[0..n], φ(h)[0..n] at data[j·stride]; slot SLOTS is scratch for collisions. */
        final double[] data;
        final int[] mirror;
        long mirrorMean;
        boolean mirrorSet;
        boolean anyMirror;
        final boolean[] done;
        final double[] m = new double[4];
        final double[] mm = new double[4];
        double qp;
        double pp;

        Work(int n, int stride) {
            data = new double[(SLOTS + 1) * stride];
            Arrays.fill(keyS, -1L);
            mirror = new int[n + 1];
            done = new boolean[(n + 1) * (n + 1)];
        }
    }

    /** Offset of the thresholds of standard deviation {@code s} (> 0) in {@code w.data}, filled if missing. */
    private int thresholds(Work w, double mean, double s, int avoid) {
        long ks = Double.doubleToRawLongBits(s);
        long km = Double.doubleToRawLongBits(mean);
        int slot = (int) ((ks * 0x9E3779B97F4A7C15L) >>> 52);
        if (w.keyS[slot] == ks && w.keyMean[slot] == km) {
            return slot * stride;
        }
        if (slot == avoid) {
            slot = SLOTS;
        }
        w.keyS[slot] = ks;
        w.keyMean[slot] = km;
        int n1 = t.length + 1;
        int o = slot * stride;
        double[] d = w.data;
        d[o] = Double.NEGATIVE_INFINITY;
        d[o + n1] = 1;
        d[o + 2 * n1] = 0;
        for (int i = 1; i < n1; i++) {
            double v = (t[i - 1] - mean) / s;
            if (v >= FAR) {
                d[o + i] = Double.POSITIVE_INFINITY;
                d[o + n1 + i] = 0;
                d[o + 2 * n1 + i] = 0;
            } else if (v <= -FAR) {
                d[o + i] = Double.NEGATIVE_INFINITY;
                d[o + n1 + i] = 1;
                d[o + 2 * n1 + i] = 0;
            } else {
                d[o + i] = v;
                tail(w, v);
                d[o + n1 + i] = w.qp;
                d[o + 2 * n1 + i] = w.pp;
            }
        }
        return o;
    }

    /** {@code w.qp = Q(x)}, {@code w.pp = φ(x)} from one exponential ({@link BivariateNormal#q}'s method). */
    private static void tail(Work w, double x) {
        double a = Math.abs(x);
        double p = BivariateNormal.pdf(a);
        double q = a == Double.POSITIVE_INFINITY ? 0.0 : p * BivariateNormal.mills(a);
        w.qp = x < 0 ? 1.0 - q : q;
        w.pp = p;
    }

    private void mirrors(Work w, double mean) {
        long km = Double.doubleToRawLongBits(mean);
        if (w.mirrorSet && w.mirrorMean == km) {
            return;
        }
        boolean any = false;
        w.mirror[0] = -1;
        for (int i = 1; i <= t.length; i++) {
            w.mirror[i] = -1;
            for (int j = 1; j <= t.length; j++) {
                if (t[j - 1] - mean == -(t[i - 1] - mean)) {
                    w.mirror[i] = j;
                    any |= j != i;
                }
            }
        }
        w.anyMirror = any;
        w.mirrorMean = km;
        w.mirrorSet = true;
    }

    /**
     * @param mean common mean
     * @param s1   first standard deviation, {@code > 0}
     * @param s2   second standard deviation, {@code > 0}
     * @param rho  correlation in {@code [−1, 1]}
     * @param out  receives {@code E[φ(u)φ(v)], E[φ'(u)φ'(v)]}
     */
    void products(double mean, double s1, double s2, double rho, double[] out) {
        int n = t.length;
        int n1 = n + 1;
        double r = Math.sqrt((1 - rho) * (1 + rho));
        Work w = work.get();
        mirrors(w, mean);
        int o1 = thresholds(w, mean, s1, -1);
        int o2 = thresholds(w, mean, s2, o1 / stride);
        double[] d = w.data;
        boolean mirrored = w.anyMirror && r > 0;
        if (mirrored) {
            Arrays.fill(w.done, false);
        }
        boolean prepared = false;
        double cv = 0;
        double ev = 0;
        double[] m = w.m;
        for (int i = 0; i <= n; i++) {
            double h = d[o1 + i];
            if (h == Double.POSITIVE_INFINITY || zero[i] && !mirrored) {
                continue;
            }
            double qh = d[o1 + n1 + i];
            double ph = d[o1 + 2 * n1 + i];
            for (int l = 0; l <= n; l++) {
                double k = d[o2 + l];
                if (k == Double.POSITIVE_INFINITY || zero[l] && !mirrored || mirrored && w.done[i * n1 + l]) {
                    continue;
                }
                double qk = d[o2 + n1 + l];
                double pk = d[o2 + 2 * n1 + l];
                boolean hInf = h == Double.NEGATIVE_INFINITY;
                boolean kInf = k == Double.NEGATIVE_INFINITY;
                if (hInf || kInf || r == 0) {
                    edge(h, k, qh, ph, qk, pk, rho, hInf, kInf, m);
                    cv += corner(i, l, mean, s1, s2, m);
                    ev += dd[i] * dd[l] * m[0];
                    continue;
                }
                if (!prepared) {
                    w.bvn.prepare(rho);
                    prepared = true;
                }
                int mi = mirrored ? w.mirror[i] : -1;
                int ml = mirrored ? w.mirror[l] : -1;
                if (mi < 0 || ml < 0 || mi == i && ml == l) {
                    direct(w, h, k, qh, ph, qk, pk, rho, r, m);
                    cv += corner(i, l, mean, s1, s2, m);
                    ev += dd[i] * dd[l] * m[0];
                    continue;
                }
                // (i, l) and its mirror (mi, ml): compute the one with h + k ≥ 0, derive the other
                w.done[mi * n1 + ml] = true;
                int di = i;
                int dl = l;
                int xi = mi;
                int xl = ml;
                if (h + k < 0) {
                    di = mi;
                    dl = ml;
                    xi = i;
                    xl = l;
                }
                double hd = d[o1 + di];
                double kd = d[o2 + dl];
                double qhd = d[o1 + n1 + di];
                double qkd = d[o2 + n1 + dl];
                direct(w, hd, kd, qhd, ph, qkd, pk, rho, r, m);
                cv += corner(di, dl, mean, s1, s2, m);
                ev += dd[di] * dd[dl] * m[0];
                // mirrored corner (−hd, −kd): M₀' = Q(−hd) − Q(kd) + M₀; Q(−x*) = 1 − Q(x*)
                double[] mm = w.mm;
                double qhx = d[o1 + n1 + xi];
                double m0 = qhx - qkd + m[0];
                double cq = 1 - w.qp;   // 1 − Q(hd*)
                double cqk = 1 - w.pp;  // 1 − Q(kd*)
                double pks = w.mm[3];
                mm[0] = Math.max(0.0, m0);
                mm[1] = ph * cqk + rho * pk * cq;
                mm[2] = pk * cq + rho * ph * cqk;
                mm[3] = rho * mm[0] - rho * hd * ph * cqk - rho * kd * pk * cq + r * ph * pks;
                cv += corner(xi, xl, mean, s1, s2, mm);
                ev += dd[xi] * dd[xl] * mm[0];
            }
        }
        out[0] = cv;
        out[1] = ev;
    }

    /** The corner's contribution to E[φφ] from its moments {M₀, M_x, M_y, M_xy}. */
    private double corner(int i, int l, double mean, double s1, double s2, double[] m) {
        double ai = dc[i] + dm[i] * mean;
        double bi = dm[i] * s1;
        double al = dc[l] + dm[l] * mean;
        double bl = dm[l] * s2;
        return ai * al * m[0] + ai * bl * m[2] + bi * al * m[1] + bi * bl * m[3];
    }

    /**
     * Finite corner, |ρ| < 1: moments into {@code m}; leaves {@code Q(h*)} in {@code w.qp}, {@code Q(k*)} in
     * {@code w.pp} and {@code φ(k*)} in {@code w.mm[3]} for the mirrored corner.
     */
    private static void direct(Work w, double h, double k, double qh, double ph, double qk, double pk, double rho,
                               double r, double[] m) {
        double hs = (h - rho * k) / r;
        double ks = (k - rho * h) / r;
        tail(w, hs);
        double qhs = w.qp;
        tail(w, ks);
        double qks = w.qp;
        double pks = w.pp;
        double m0 = w.bvn.upper(h, k, qh, qk);
        m[0] = m0;
        m[1] = ph * qks + rho * pk * qhs;
        m[2] = pk * qhs + rho * ph * qks;
        m[3] = rho * m0 + rho * h * ph * qks + rho * k * pk * qhs + r * ph * pks;
        w.qp = qhs;
        w.pp = qks;
        w.mm[3] = pks;
    }

    /** Corners with an infinite threshold, or |ρ| = 1 (exact limits). */
    private static void edge(double h, double k, double qh, double ph, double qk, double pk, double rho,
                             boolean hInf, boolean kInf, double[] m) {
        if (hInf && kInf) {
            m[0] = 1;
            m[1] = 0;
            m[2] = 0;
            m[3] = rho;
        } else if (hInf) {
            m[0] = qk;
            m[2] = pk;
            m[1] = rho * pk;
            m[3] = rho * (qk + k * pk);
        } else if (kInf) {
            m[0] = qh;
            m[1] = ph;
            m[2] = rho * ph;
            m[3] = rho * (qh + h * ph);
        } else if (rho > 0) {
            boolean hTop = h >= k;
            double top = hTop ? h : k;
            double p = hTop ? ph : pk;
            m[0] = hTop ? qh : qk;
            m[1] = p;
            m[2] = p;
            m[3] = m[0] + top * p;
        } else if (h < -k) {
            m[0] = BivariateNormal.interval(h, -k);
            m[1] = ph - pk;
            m[2] = -m[1];
            m[3] = -(m[0] + h * ph + k * pk);
        } else {
            m[0] = 0;
            m[1] = 0;
            m[2] = 0;
            m[3] = 0;
        }
    }
}
