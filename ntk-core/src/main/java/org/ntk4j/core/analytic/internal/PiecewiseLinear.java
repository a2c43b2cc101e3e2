package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.GaussianClosedForm;
import org.ntk4j.core.analytic.Nonlinearity;

import java.util.Arrays;
import java.util.Optional;

/**
 * A piecewise-linear activation (kinks and jumps allowed) with its Gaussian expectations in closed form, for any
 * common mean: {@code φ(z) = c_j + m_j z} and {@code φ'(z) = d_j} on piece {@code j}, between consecutive breakpoints
 * {@code t_1 < … < t_n}. The pieces are read off the function it wraps (two points per piece) and checked at three
 * more points per piece, so a function that is not piecewise linear between its declared breakpoints is refused.
 *
 * <p>With {@code u = μ + s₁x}, {@code v = μ + s₂y}, {@code (x, y)} standard bivariate normal with correlation ρ,
 * thresholds {@code h_i = (t_i − μ)/s₁}, {@code k_i = (t_i − μ)/s₂} ({@code h_0 = k_0 = −∞}), write
 * {@code φ(u) = Σ_i (ΔA_i + ΔB_i x) 1[x > h_i]}: {@code ΔA_i, ΔB_i} are the jumps of intercept
 * {@code c_j + m_j μ} and slope {@code m_j s₁} across {@code t_i}. Then
 * <pre>
 *   E[φ(u)φ(v)]   = Σ_{i,l} ΔA_i ΔA'_l M₀ + ΔA_i ΔB'_l M_y + ΔB_i ΔA'_l M_x + ΔB_i ΔB'_l M_xy   at (h_i, k_l)
 *   E[φ'(u)φ'(v)] = Σ_{i,l} Δd_i Δd_l M₀(h_i, k_l)
 * </pre>
 * with the orthant moments {@code M₀ = P(x>h, y>k)} ({@link BivariateNormal}), and by Stein's lemma, with
 * {@code r = √(1−ρ²)}, {@code h* = (h − ρk)/r}, {@code k* = (k − ρh)/r}:
 * {@code M_x = E[x 1] = φ(h)Q(k*) + ρφ(k)Q(h*)}, {@code M_y} symmetric,
 * {@code M_xy = E[xy 1] = ρM₀ + ρhφ(h)Q(k*) + ρkφ(k)Q(h*) + rφ(h)φ(k*)}; their limits for infinite thresholds
 * and {@code |ρ| = 1} exactly. A zero variance reduces to one dimension. Accuracy: about 1e-14 relative to the
 * Cauchy–Schwarz scale (measured against an independent 30-digit reference in the tests).
 */
public final class PiecewiseLinear implements Nonlinearity, GaussianClosedForm {
    private final Nonlinearity f;
    /** Breakpoints where something changes, ascending. */
    private final double[] t;
    /** Jumps across t_i (index i ≥ 1) and the first piece (index 0) of intercept, slope, derivative. */
    private final double[] dc;
    private final double[] dm;
    private final double[] dd;
    private final OrthantSums sums;

    private PiecewiseLinear(Nonlinearity f, double[] t, double[] dc, double[] dm, double[] dd) {
        this.f = f;
        this.t = t;
        this.dc = dc;
        this.dm = dm;
        this.dd = dd;
        this.sums = new OrthantSums(t, dc, dm, dd);
    }

    /**
     * @param f a function that is linear (and its derivative constant) between its {@linkplain
     *          Nonlinearity#breakpoints() breakpoints}
     * @return {@code f} with closed-form Gaussian expectations
     * @throws IllegalArgumentException when {@code f} is not piecewise linear there (checked at sample points)
     */
    public static PiecewiseLinear of(Nonlinearity f) {
        double[] b = Arrays.stream(f.breakpoints()).sorted().distinct().toArray();
        int pieces = b.length + 1;
        double[] c = new double[pieces];
        double[] m = new double[pieces];
        double[] d = new double[pieces];
        for (int j = 0; j < pieces; j++) {
            double lo = j == 0 ? Double.NEGATIVE_INFINITY : b[j - 1];
            double hi = j == b.length ? Double.POSITIVE_INFINITY : b[j];
            double[] p = samples(lo, hi);
            double f0 = f.value(p[0]);
            double f1 = f.value(p[1]);
            m[j] = (f1 - f0) / (p[1] - p[0]);
            c[j] = f0 - m[j] * p[0];
            d[j] = f.derivative(p[0]);
            for (int s = 1; s < p.length; s++) {
                double v = f.value(p[s]);
                double lin = c[j] + m[j] * p[s];
                double size = Math.abs(c[j]) + Math.abs(m[j] * p[s]) + 1e-300;
                double g = f.derivative(p[s]);
                if (!(Math.abs(v - lin) <= 1e-11 * size) || !(Math.abs(g - d[j]) <= 1e-12 * (Math.abs(d[j]) + 1e-300))
                        && !(g == d[j])) {
                    throw new IllegalArgumentException(f.name() + " is not piecewise linear between its breakpoints "
                            + Arrays.toString(b) + " (at z = " + p[s] + ": value " + v + ", linear " + lin
                            + ", derivative " + g + " vs " + d[j] + "); declare its breakpoints or use the numerical "
                            + "rule");
                }
            }
        }
        // keep only the breakpoints where a piece changes
        int keep = 0;
        double[] tt = new double[b.length];
        double[] jc = new double[pieces];
        double[] jm = new double[pieces];
        double[] jd = new double[pieces];
        jc[0] = c[0];
        jm[0] = m[0];
        jd[0] = d[0];
        int prev = 0;
        for (int j = 1; j < pieces; j++) {
            if (c[j] == c[prev] && m[j] == m[prev] && d[j] == d[prev]) {
                continue;
            }
            tt[keep] = b[j - 1];
            keep++;
            jc[keep] = c[j] - c[prev];
            jm[keep] = m[j] - m[prev];
            jd[keep] = d[j] - d[prev];
            prev = j;
        }
        return new PiecewiseLinear(f, Arrays.copyOf(tt, keep), Arrays.copyOf(jc, keep + 1),
                Arrays.copyOf(jm, keep + 1), Arrays.copyOf(jd, keep + 1));
    }

    /** Two points defining the piece (lo, hi), then three checks, all strictly inside. */
    private static double[] samples(double lo, double hi) {
        if (lo == Double.NEGATIVE_INFINITY && hi == Double.POSITIVE_INFINITY) {
            return new double[]{-1, 1, 0, -1e3, 1e3};
        }
        if (lo == Double.NEGATIVE_INFINITY) {
            double s = Math.max(1.0, Math.abs(hi));
            return new double[]{hi - s, hi - 2 * s, hi - 1e-3 * s, hi - 10 * s, hi - 1e3 * s};
        }
        if (hi == Double.POSITIVE_INFINITY) {
            double s = Math.max(1.0, Math.abs(lo));
            return new double[]{lo + s, lo + 2 * s, lo + 1e-3 * s, lo + 10 * s, lo + 1e3 * s};
        }
        double w = hi - lo;
        return new double[]{lo + 0.25 * w, lo + 0.75 * w, lo + 0.5 * w, lo + 1e-3 * w, hi - 1e-3 * w};
    }

    @Override
    public String name() {
        return f.name();
    }

    @Override
    public double value(double z) {
        return f.value(z);
    }

    @Override
    public double derivative(double z) {
        return f.derivative(z);
    }

    @Override
    public void evaluate(double[] z, int n, double[] values, double[] derivatives) {
        f.evaluate(z, n, values, derivatives);
    }

    @Override
    public double[] breakpoints() {
        return f.breakpoints();
    }

    @Override
    public double smoothnessScale() {
        return f.smoothnessScale();
    }

    @Override
    public boolean isIdentity() {
        return f.isIdentity();
    }

    @Override
    public Optional<GaussianClosedForm> closedForm() {
        return Optional.of(this);
    }

    @Override
    public boolean supportsMean(double mean) {
        return Double.isFinite(mean);
    }

    @Override
    public double valueProduct(double mean, double k11, double k12, double k22) {
        double[] out = new double[2];
        products(mean, k11, k12, k22, out);
        return out[0];
    }

    @Override
    public double derivativeProduct(double mean, double k11, double k12, double k22) {
        double[] out = new double[2];
        products(mean, k11, k12, k22, out);
        return out[1];
    }

    @Override
    public void products(double mean, double k11, double k12, double k22, double[] out) {
        double s1 = Math.sqrt(Math.max(0.0, k11));
        double s2 = Math.sqrt(Math.max(0.0, k22));
        if (!(s1 > 0) || !(s2 > 0)) {
            degenerate(mean, s1, s2, out);
            return;
        }
        double rho = Math.max(-1.0, Math.min(1.0, k12 / (s1 * s2)));
        if (Math.abs(rho) >= 1 - 2.3e-16) {
            // within two units of rounding of ±1 (a diagonal entry whose roots do not multiply back exactly)
            rho = Math.signum(rho);
        }
        sums.products(mean, s1, s2, rho, out);
    }

    /** A zero variance: that argument is the constant μ; E[φ(μ)φ(v)] = φ(μ) E[φ(v)]. */
    private void degenerate(double mean, double s1, double s2, double[] out) {
        if (!(s1 > 0) && !(s2 > 0)) {
            double v = f.value(mean);
            double g = f.derivative(mean);
            out[0] = v * v;
            out[1] = g * g;
            return;
        }
        double s = Math.max(s1, s2);
        double ef = 0;
        double eg = 0;
        for (int l = 0; l <= t.length; l++) {
            double al = dc[l] + dm[l] * mean;
            double bl = dm[l] * s;
            if (l == 0) {
                ef += al;
                eg += dd[l];
            } else {
                double k = (t[l - 1] - mean) / s;
                double qk = BivariateNormal.q(k);
                ef += al * qk + bl * BivariateNormal.pdf(k);
                eg += dd[l] * qk;
            }
        }
        out[0] = f.value(mean) * ef;
        out[1] = f.derivative(mean) * eg;
    }

    @Override
    public String toString() {
        return f.toString();
    }
}
