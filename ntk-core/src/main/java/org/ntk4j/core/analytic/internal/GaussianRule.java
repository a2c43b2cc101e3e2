package org.ntk4j.core.analytic.internal;

/**
 * A one-dimensional rule for {@code E[ψ(m + τ ξ)]}, {@code ξ ~ N(0, 1)}, with three nested weight sets for an error
 * estimate: {@code Σ_i w_i ψ(u_i)} with {@code u_i = m + τ ξ_i}.
 *
 * <p>Composite rule: {@code ξ ∈ [−L, L]} ({@code L = 9}, outside mass {@code 2e-19}; extended by {@code L} beyond
 * any breakpoint within 40 standard deviations) is cut at the breakpoints of
 * {@code ψ} (mapped to {@code ξ}), then bisected until every panel is at most {@code maxWidth} wide in {@code ξ} and at
 * most {@code max(w, d)} wide in {@code u}, where {@code w} is the smoothness scale and {@code d} the distance in
 * {@code u} from the panel to the nearest special point (0 or a breakpoint): a mesh graded towards the points where
 * {@code ψ} is least smooth. Each panel carries Fejér's second rule with 15 interior nodes, which contains the 7- and
 * 3-node Fejér rules (weights {@link #w7}, {@link #w3}); no node lies on a breakpoint, so jumps are integrated
 * exactly. When {@code τ} is small against the distance to every special point and the smoothness scale (the
 * integrand is analytic far beyond the Gaussian's width), Gauss–Hermite rules with 20, 10 and 5 nodes replace the
 * composite rule. One instance is a reusable buffer (not thread-safe).
 */
public final class GaussianRule {
    /** Half-width of the integration range in standard deviations. */
    public static final double L = 9.0;
    static final int P = 15;
    private static final double[] FX = new double[P];
    private static final double[] FW15 = new double[P];
    private static final double[] FW7 = new double[P];
    private static final double[] FW3 = new double[P];
    private static final double[] GH20X;
    private static final double[] GH20W;
    private static final double[] GH10X;
    private static final double[] GH10W;
    private static final double[] GH5X;
    private static final double[] GH5W;
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);
    private static final int MAX_PANELS = 4096;

    static {
        fejer(15, 1, FW15);
        fejer(7, 2, FW7);
        fejer(3, 4, FW3);
        for (int k = 1; k <= P; k++) {
            FX[k - 1] = Math.cos(k * Math.PI / (P + 1));
        }
        GaussHermite g20 = GaussHermite.of(20);
        GaussHermite g10 = GaussHermite.of(10);
        GaussHermite g5 = GaussHermite.of(5);
        GH20X = g20.nodes();
        GH20W = g20.weights();
        GH10X = g10.nodes();
        GH10W = g10.weights();
        GH5X = g5.nodes();
        GH5W = g5.weights();
    }

    /** Fejér's second rule with n interior nodes on [−1, 1], placed at positions k·stride − 1 of the 15-node grid. */
    private static void fejer(int n, int stride, double[] out) {
        for (int k = 1; k <= n; k++) {
            double th = k * Math.PI / (n + 1);
            double s = 0;
            for (int j = 1; j <= (n + 1) / 2; j++) {
                s += Math.sin((2 * j - 1) * th) / (2 * j - 1);
            }
            out[k * stride - 1] = 4 * Math.sin(th) / (n + 1) * s;
        }
    }

    /** Arguments {@code u_i}. */
    public double[] u = new double[64 * P];
    /** Standard-normal nodes {@code ξ_i}. */
    public double[] xi = new double[64 * P];
    /** Production weights (they include the Gaussian density and sum to ≈ 1). */
    public double[] w15 = new double[64 * P];
    /** Coarser nested weights for the error estimate. */
    public double[] w7 = new double[64 * P];
    /** Coarsest nested weights for the error estimate. */
    public double[] w3 = new double[64 * P];
    /** Number of nodes. */
    public int size;
    /** Whether the last {@code build} took the Gauss–Hermite shortcut (not refined by {@code split}). */
    public boolean hermite;
    /** Panel ends of the last composite {@code build}: panel {@code p} is {@code [ends[2p], ends[2p + 1]]} in {@code ξ}. */
    public double[] ends = new double[128];
    /** Number of composite panels of the last {@code build} (0 for the Gauss–Hermite shortcut and {@code τ = 0}). */
    public int panels;
    /** When set, {@code build} records the panel ends only (no nodes, no weights). */
    private boolean dry;
    private double[] cuts = new double[64];
    private final double[] stackA = new double[256];
    private final double[] stackB = new double[256];

    /**
     * Builds the rule.
     *
     * @param m             mean of the argument
     * @param tau           standard deviation of the argument, ≥ 0
     * @param breaks        breakpoints of ψ in {@code u}, ascending
     * @param scale         smoothness scale of ψ in {@code u}
     * @param maxWidth      largest panel width in {@code ξ}
     * @param allowHermite  whether the Gauss–Hermite shortcut may be used
     */
    public void build(double m, double tau, double[] breaks, double scale, double maxWidth, boolean allowHermite) {
        build(m, tau, breaks, breaks.length, scale, maxWidth, allowHermite);
    }

    /**
     * As {@link #build(double, double, double[], double, double, boolean)} with the first {@code nb} entries of
     * {@code breaks} (any order).
     */
    public void build(double m, double tau, double[] breaks, int nb, double scale, double maxWidth,
                      boolean allowHermite) {
        build(m, tau, breaks, nb, scale, maxWidth, allowHermite, 1, L);
    }

    /**
     * As {@link #build(double, double, double[], int, double, double, boolean)}, with every panel of that mesh cut
     * into {@code split} equal panels and the range {@code ±halfRange} (instead of {@code ±L}) before the extensions
     * past breakpoints: {@code split = 2} with a wider range is the finer rule against which a result's error is
     * checked (an independent discretisation; same nodes per panel).
     *
     * @param split     panels per panel of the plain mesh, ≥ 1
     * @param halfRange half-width of the base range in standard deviations, ≥ {@link #L}
     */
    public void build(double m, double tau, double[] breaks, int nb, double scale, double maxWidth,
                      boolean allowHermite, int split, double halfRange) {
        size = 0;
        panels = 0;
        hermite = false;
        if (!(tau > 0)) {
            ensure(1);
            u[0] = m;
            xi[0] = 0;
            w15[0] = 1;
            w7[0] = 1;
            w3[0] = 1;
            size = 1;
            return;
        }
        double dist = Math.abs(m);
        for (int q = 0; q < nb; q++) {
            dist = Math.min(dist, Math.abs(m - breaks[q]));
        }
        if (allowHermite && (dist >= 14 * tau
                || (scale >= 4 * tau && !breakIn(breaks, nb, m - 11 * tau, m + 11 * tau)))) {
            hermite(m, tau);
            return;
        }
        // the range covers ±L and extends L beyond any breakpoint within 40 standard deviations, so that a piece
        // that only starts far in the tail (a threshold at 10σ) is integrated to relative accuracy too
        double lo = -halfRange;
        double hi = halfRange;
        for (int q = 0; q < nb; q++) {
            double x = (breaks[q] - m) / tau;
            if (x < 0 && x > -40) {
                lo = Math.min(lo, x - halfRange);
            } else if (x >= 0 && x < 40) {
                hi = Math.max(hi, x + halfRange);
            }
        }
        int nc = 0;
        ensureCuts(nb + 2);
        cuts[nc++] = lo;
        for (int q = 0; q < nb; q++) {
            double x = (breaks[q] - m) / tau;
            if (x > lo && x < hi) {
                cuts[nc++] = x;
            }
        }
        java.util.Arrays.sort(cuts, 1, nc);
        cuts[nc++] = hi;
        for (int c = 0; c + 1 < nc; c++) {
            int top = 0;
            stackA[top] = cuts[c];
            stackB[top] = cuts[c + 1];
            top++;
            while (top > 0) {
                top--;
                double a = stackA[top];
                double b = stackB[top];
                double width = b - a;
                double ua = m + tau * a;
                double ub = m + tau * b;
                double d = distance(ua, ub, 0.0);
                for (int q = 0; q < nb; q++) {
                    d = Math.min(d, distance(ua, ub, breaks[q]));
                }
                // the density e^{−ξ²/2} changes by e^{−|ξ|·width} across a panel: at most e^{−6} in the tails
                double far = Math.max(Math.abs(a), Math.abs(b));
                boolean ok = width <= maxWidth && width * far <= 6.0 && tau * width <= Math.max(scale, d);
                if (ok || top + 2 >= stackA.length || size >= MAX_PANELS * P) {
                    for (int sp = 0; sp < split; sp++) {
                        panel(m, tau, a + width * sp / split, sp + 1 == split ? b : a + width * (sp + 1) / split);
                    }
                } else {
                    double mid = 0.5 * (a + b);
                    // right half first on the stack so that panels come out left to right
                    stackA[top] = mid;
                    stackB[top] = b;
                    top++;
                    stackA[top] = a;
                    stackB[top] = mid;
                    top++;
                }
            }
        }
    }

    private static boolean breakIn(double[] breaks, int nb, double lo, double hi) {
        for (int q = 0; q < nb; q++) {
            if (breaks[q] > lo && breaks[q] < hi) {
                return true;
            }
        }
        return false;
    }

    /** Distance from the interval [a, b] (in either order) to the point p. */
    private static double distance(double a, double b, double p) {
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        return p < lo ? lo - p : (p > hi ? p - hi : 0.0);
    }

    /**
     * The panel ends that {@link #build(double, double, double[], int, double, double, boolean, int, double)} would
     * lay out without the Gauss–Hermite shortcut, into {@link #ends} and {@link #panels}, without computing nodes or
     * weights: two calls with equal ends give equal {@link #xi} and weights (the arguments {@link #u} differ by
     * {@code m, τ}). {@code size} is left 0.
     */
    public void mesh(double m, double tau, double[] breaks, int nb, double scale, double maxWidth, int split,
                     double halfRange) {
        dry = true;
        try {
            build(m, tau, breaks, nb, scale, maxWidth, false, split, halfRange);
        } finally {
            dry = false;
            size = 0;
        }
    }

    private void panel(double m, double tau, double a, double b) {
        if (2 * panels + 2 > ends.length) {
            ends = java.util.Arrays.copyOf(ends, 2 * ends.length);
        }
        ends[2 * panels] = a;
        ends[2 * panels + 1] = b;
        panels++;
        if (dry) {
            size += P;
            return;
        }
        ensure(size + P);
        double c = 0.5 * (a + b);
        double h = 0.5 * (b - a);
        for (int k = 0; k < P; k++) {
            double x = c + h * FX[k];
            double dens = h * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
            int i = size + k;
            xi[i] = x;
            u[i] = m + tau * x;
            w15[i] = FW15[k] * dens;
            w7[i] = FW7[k] * dens;
            w3[i] = FW3[k] * dens;
        }
        size += P;
    }

    private void hermite(double m, double tau) {
        hermite = true;
        int n = GH20X.length + GH10X.length + GH5X.length;
        ensure(n);
        int i = 0;
        i = hermiteSet(m, tau, GH20X, GH20W, i, 0);
        i = hermiteSet(m, tau, GH10X, GH10W, i, 1);
        size = hermiteSet(m, tau, GH5X, GH5W, i, 2);
    }

    private int hermiteSet(double m, double tau, double[] x, double[] w, int i, int which) {
        for (int k = 0; k < x.length; k++, i++) {
            xi[i] = x[k];
            u[i] = m + tau * x[k];
            w15[i] = which == 0 ? w[k] : 0.0;
            w7[i] = which == 1 ? w[k] : 0.0;
            w3[i] = which == 2 ? w[k] : 0.0;
        }
        return i;
    }

    private void ensure(int n) {
        if (u.length < n) {
            int cap = Math.max(n, 2 * u.length);
            u = java.util.Arrays.copyOf(u, cap);
            xi = java.util.Arrays.copyOf(xi, cap);
            w15 = java.util.Arrays.copyOf(w15, cap);
            w7 = java.util.Arrays.copyOf(w7, cap);
            w3 = java.util.Arrays.copyOf(w3, cap);
        }
    }

    private void ensureCuts(int n) {
        if (cuts.length < n) {
            cuts = new double[n];
        }
    }

    /**
     * Error estimate of the 15-node result from the three nested results: the last difference times the observed
     * contraction of the differences (capped at 1), never below rounding.
     *
     * @param i15 production result
     * @param i7  7-node result
     * @param i3  3-node result
     * @param abs {@code Σ |w_i ψ(u_i)|}, for the rounding floor
     * @return the estimated absolute error of {@code i15}
     */
    public static double estimate(double i15, double i7, double i3, double abs) {
        double d2 = Math.abs(i15 - i7);
        double d1 = Math.abs(i7 - i3);
        double ratio = d1 > 0 ? Math.min(1.0, d2 / d1) : 1.0;
        return Math.max(d2 * ratio, 4e-16 * abs);
    }
}
