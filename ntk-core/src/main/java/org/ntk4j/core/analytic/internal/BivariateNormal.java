package org.ntk4j.core.analytic.internal;

import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;

/**
 * The standard bivariate normal upper orthant probability {@code L(h, k, ρ) = P(X > h, Y > k)} for
 * {@code (X, Y)} standard normal with correlation {@code ρ}, and the one-dimensional normal functions it needs.
 *
 * <p>Method (the scheme of Drezner and Wesolowsky 1990 as refined by Genz 2004; derived and written here):
 * <ul>
 *   <li>{@code |ρ| < 0.925}: Plackett's identity {@code ∂L/∂ρ = φ₂(h, k; ρ)} integrated from the independent case
 *       with {@code ρ' = sin θ}: {@code L = Q(h)Q(k) + (1/2π) ∫_0^{asin ρ} exp(−(h² + k² − 2hk sin θ)/(2cos²θ)) dθ},
 *       Gauss–Legendre with 6, 12 or 20 nodes by {@code |ρ|};</li>
 *   <li>{@code ρ ≥ 0.925}: from the other end, {@code L = Q(max(h, k)) − ∫_ρ^1 φ₂ dρ'}; with {@code ρ' = √(1 − x²)}
 *       the integral is {@code (1/2π) ∫_0^a e^{−b²/(2x²)} f(x) dx}, {@code a = √(1 − ρ²)}, {@code b = |h − k|},
 *       {@code f(x) = exp(−hk/(1 + √(1−x²)))/√(1−x²)}. Its Taylor polynomial
 *       {@code e^{−hk/2}(1 + c x² + c d x⁴)}, {@code c = (4 − hk)/8}, {@code d = (12 − hk)/16}, is integrated
 *       against {@code e^{−b²/(2x²)}} exactly (a recursion in {@code ∫ x^{2n} e^{−b²/(2x²)}} started from a normal
 *       tail), the smooth remainder by 20-node Gauss–Legendre;</li>
 *   <li>{@code ρ ≤ −0.925}: reflection {@code L(h, k, ρ) = Q(k) − L(−h, k, −ρ)} or {@code Q(h) − L(h, −k, −ρ)},
 *       whichever subtracts from the smaller tail;</li>
 *   <li>{@code |ρ| = 1} and infinite limits exactly.</li>
 * </ul>
 * Accuracy: absolute error below {@code 1e-15} everywhere (checked against a 40-digit mpmath reference in the
 * tests, tails included). Every exponent is non-positive, so nothing overflows.
 */
public final class BivariateNormal {
    private BivariateNormal() {
    }

    private static final double TWO_PI = 2 * Math.PI;
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(TWO_PI);
    private static final double[][] GL6 = legendre(6);
    private static final double[][] GL12 = legendre(12);
    private static final double[][] GL20 = legendre(20);

    /** Nodes (row 0) and weights (row 1) of the n-point Gauss–Legendre rule on [0, 1]. */
    private static double[][] legendre(int n) {
        GaussIntegrator g = new GaussIntegratorFactory().legendreHighPrecision(n, 0.0, 1.0);
        double[][] r = new double[2][n];
        for (int i = 0; i < n; i++) {
            r[0][i] = g.getPoint(i);
            r[1][i] = g.getWeight(i);
        }
        return r;
    }

    /** @return the standard normal density {@code φ(x)} (0 at ±∞) */
    public static double pdf(double x) {
        return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /**
     * Chebyshev coefficients of {@code h(t) = (1 + z)·Q(z)/φ(z)}, {@code z = 4(1 + t)/(1 − t)}, from
     * {@code scripts/normal_tail_chebyshev.py} (40-digit mpmath).
     */
    private static final double[] TAIL = {
        2.3341050701764945, -0.1610195767134654, -0.028002821825452974,
        0.03167452189239266, -0.012103231162345369, 0.0027056129762167095,
        -0.00029931636202703166, -1.716686526879361e-05, 1.0178489264109868e-05,
        -4.894829570004192e-07, -2.844006500151048e-07, 3.0766283713811506e-08,
        9.180378674469537e-09, -1.2756102213808737e-09, -3.660279376104134e-10,
        4.5926359348595205e-11, 1.7189314687646526e-11, -1.2726833698700693e-12,
        -8.668081913316188e-13, 1.1061557204136741e-15, 4.2750210770103334e-14,
        3.790937692263904e-15, -1.8474103010592332e-15, -4.0419094130708177e-16,
        5.3408543850173575e-17, 2.941479937590055e-17, 9.076691823620111e-19,
        -1.5916377861588148e-18,
    };

    /**
     * @return the upper tail {@code Q(x) = P(X > x)}; relative error below 1e-13 for {@code x ≥ 0} (0 beyond 38.5,
     *         where it underflows), absolute error below 1e-16 for {@code x < 0}
     */
    public static double q(double x) {
        if (x < 0) {
            return 1.0 - q(-x);
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0.0;
        }
        return pdf(x) * mills(x);
    }

    /** Mills ratio {@code Q(z)/φ(z)} for {@code z ≥ 0} (Chebyshev series in {@code t = (z − 4)/(z + 4)}). */
    static double mills(double z) {
        if (z > 1e8) {
            return 1 / z;
        }
        double t = (z - 4) / (z + 4);
        double t2 = 2 * t;
        double b1 = 0;
        double b2 = 0;
        for (int i = TAIL.length - 1; i >= 1; i--) {
            double b0 = t2 * b1 - b2 + TAIL[i];
            b2 = b1;
            b1 = b0;
        }
        return (t * b1 - b2 + 0.5 * TAIL[0]) / (1 + z);
    }

    /** @return {@code P(a < X < b)} without cancellation of two large probabilities (0 if {@code b ≤ a}) */
    public static double interval(double a, double b) {
        if (!(b > a)) {
            return 0.0;
        }
        if (a >= 0) {
            return q(a) - q(b);
        }
        if (b <= 0) {
            return q(-b) - q(-a);
        }
        return 1.0 - q(b) - q(-a);
    }

    /**
     * @param h   lower limit of {@code X} (may be ±∞)
     * @param k   lower limit of {@code Y} (may be ±∞)
     * @param rho correlation, clamped into [−1, 1]
     * @return {@code P(X > h, Y > k)}
     */
    public static double upper(double h, double k, double rho) {
        if (h == Double.POSITIVE_INFINITY || k == Double.POSITIVE_INFINITY) {
            return 0.0;
        }
        if (h == Double.NEGATIVE_INFINITY) {
            return q(k);
        }
        if (k == Double.NEGATIVE_INFINITY) {
            return q(h);
        }
        Correlated c = new Correlated();
        c.prepare(rho);
        return c.upper(h, k, q(h), q(k));
    }

    /**
     * Orthant probabilities at one correlation for many thresholds: the quadrature nodes that depend on ρ only are
     * prepared once. A reusable buffer (not thread-safe).
     */
    public static final class Correlated {
        /** 0: |ρ| < 0.925; 1: ρ ≥ 0.925; −1: ρ ≤ −0.925 (reflected); 2: ρ = 1; −2: ρ = −1. */
        private int mode;
        private double rho;
        private int n;
        private final double[] sn = new double[20];
        private final double[] cc = new double[20];
        private final double[] wt = new double[20];
        private final double[] xs = new double[20];
        private final double[] rs = new double[20];
        private double a;
        private double as;

        /** @param r the correlation, clamped into [−1, 1] */
        public void prepare(double r) {
            rho = Math.max(-1.0, Math.min(1.0, r));
            double ar = Math.abs(rho);
            if (rho == 1.0 || rho == -1.0) {
                mode = rho > 0 ? 2 : -2;
                return;
            }
            if (ar < 0.925) {
                mode = 0;
                double[][] g = ar < 0.3 ? GL6 : (ar < 0.75 ? GL12 : GL20);
                n = g[0].length;
                double top = FastArc.asin(rho);
                for (int i = 0; i < n; i++) {
                    double v = Math.sin(top * g[0][i]);
                    sn[i] = v;
                    cc[i] = 1 / ((1 - v) * (1 + v));
                    wt[i] = g[1][i] * top / TWO_PI;
                }
                return;
            }
            mode = rho > 0 ? 1 : -1;
            as = (1 - ar) * (1 + ar);
            a = Math.sqrt(as);
            n = GL20[0].length;
            for (int i = 0; i < n; i++) {
                double xi = a * GL20[0][i];
                xs[i] = xi * xi;
                rs[i] = Math.sqrt((1 - xi) * (1 + xi));
                wt[i] = a * GL20[1][i];
            }
        }

        /**
         * @param h  finite lower limit of {@code X}
         * @param k  finite lower limit of {@code Y}
         * @param qh {@code Q(h)}
         * @param qk {@code Q(k)}
         * @return {@code P(X > h, Y > k)} at the prepared correlation
         */
        public double upper(double h, double k, double qh, double qk) {
            switch (mode) {
                case 2:
                    return Math.min(qh, qk);
                case -2:
                    return interval(h, -k);
                case 0: {
                    double hs = 0.5 * (h * h + k * k);
                    double hk = h * k;
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += wt[i] * Math.exp((sn[i] * hk - hs) * cc[i]);
                    }
                    return Math.max(0.0, qh * qk + s);
                }
                case 1: {
                    double top = Math.min(qh, qk);
                    return Math.max(0.0, top - high(h, k, top));
                }
                default: {
                    // reflect one variable: P(X>h, Y>k) = P(Y>k) − P(−X>−h, Y>k), from the smaller tail
                    double v;
                    if (h <= k) {
                        double top = q(Math.max(-h, k));
                        v = qk - (top - high(-h, k, top));
                    } else {
                        double top = q(Math.max(h, -k));
                        v = qh - (top - high(h, -k, top));
                    }
                    return Math.max(0.0, v);
                }
            }
        }

        /**
         * ∫_ρ^1 φ₂(h, k; t) dt for ρ ≥ 0.925 (see the class comment), or 0 when it is provably below
         * {@code 1e-17·top} (the probability it is subtracted from): on {@code [0, a]},
         * {@code e^{−b²/(2x²)} ≤ e^{−b²/(2a²)}} and {@code f(x) ≤ e^{max(0, −hk)/(1 + |ρ|)}/|ρ|}, so the integral is at
         * most {@code a e^{−b²/(2a²) + max(0, −hk)/(1 + |ρ|)} / (2π|ρ|)} (far-apart thresholds: one of the two corners of
         * hard-tanh or hard sigmoid at high correlation).
         */
        private double high(double h, double k, double top) {
            double b = Math.abs(h - k);
            double bs = b * b;
            double hk = h * k;
            double ar = Math.abs(rho);
            double bound = a / (TWO_PI * ar) * Math.exp(-0.5 * bs / as + Math.max(0.0, -hk) / (1 + ar));
            if (bound <= 1e-17 * top) {
                return 0.0;
            }
            double c = (4 - hk) / 8;
            double d = (12 - hk) / 16;
            // exp(−hk/2) ∫_0^a e^{−b²/(2x²)} x^{2n} dx = G · P_n with G = exp(−hk/2 − b²/(2a²)) ≤ 1 and
            // P_0 = a − b·m(b/a) (m the Mills ratio Q/φ), P_n = (a^{2n+1} − b² P_{n−1}) / (2n + 1)
            double g = Math.exp(-0.5 * (hk + bs / as));
            double p0 = a - b * mills(b / a);
            double p1 = (a * as - bs * p0) / 3;
            double p2 = (a * as * as - bs * p1) / 5;
            double analytic = g * (p0 + c * p1 + c * d * p2);
            double rem = 0;
            for (int i = 0; i < n; i++) {
                double x2 = xs[i];
                double exact = Math.exp(-0.5 * bs / x2 - hk / (1 + rs[i])) / rs[i];
                double approx = Math.exp(-0.5 * (bs / x2 + hk)) * (1 + c * x2 * (1 + d * x2));
                rem += wt[i] * (exact - approx);
            }
            return (analytic + rem) / TWO_PI;
        }
    }
}
