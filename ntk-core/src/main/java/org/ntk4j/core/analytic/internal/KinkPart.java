package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.GaussianClosedForm;
import org.ntk4j.core.analytic.Nonlinearity;

/**
 * The piecewise-linear part {@code ψ} of an activation's kinks and jumps:
 * {@code ψ(z) = Σ_b (c_b 1[z > b] + J_b (z − b)₊)} over the declared breakpoints {@code b} of {@code φ}, with
 * {@code c_b} the jump of {@code φ} and {@code J_b} the jump of {@code φ'} across {@code b} (read off {@code φ} by
 * one-sided extrapolation from {@code b ± δ, b ± 2δ}). The remainder {@code r = φ − ψ} then has a continuous value and
 * first derivative at the breakpoints (up to the extrapolation error), so its Hermite coefficients decay much faster
 * than {@code φ}'s, while {@code ψ}'s Gaussian expectations are closed forms ({@link ArcCosine} for one kink at 0,
 * {@link PiecewiseLinear} otherwise). The split {@code E[φφ] = E[ψψ] + (E[φφ] − E[ψψ])} is exact
 * for any {@code ψ}; the jumps only decide how fast the second term's series converges, and its truncation bound is
 * computed from the remainder's own energies (see {@link HermiteTable}).
 */
final class KinkPart {
    /** Relative size below which a jump is treated as absent. */
    private static final double NEGLIGIBLE = 1e-7;

    private final double[] at;
    private final double[] valueJump;
    private final double[] slopeJump;
    private final GaussianClosedForm closed;
    /** Non-null when ψ = J·ReLU: the closed form is J² times ReLU's. */
    private final ArcCosine relu;
    private final double j2;

    private KinkPart(double[] at, double[] valueJump, double[] slopeJump) {
        this.at = at;
        this.valueJump = valueJump;
        this.slopeJump = slopeJump;
        boolean single = at.length == 1 && at[0] == 0.0 && valueJump[0] == 0.0;
        this.relu = single ? new ArcCosine("relu", 0.0) : null;
        this.j2 = single ? slopeJump[0] * slopeJump[0] : 0.0;
        this.closed = PiecewiseLinear.of(Nonlinearity.of("kinks", this::value, this::derivative, at, 4.0));
    }

    /**
     * @param phi the activation
     * @return its kink part, or null when it declares no breakpoint with a jump of value or slope
     */
    static KinkPart of(Nonlinearity phi) {
        double[] b = java.util.Arrays.stream(phi.breakpoints()).filter(Double::isFinite).sorted().distinct()
                .toArray();
        if (b.length == 0) {
            return null;
        }
        double[] c = new double[b.length];
        double[] j = new double[b.length];
        int keep = 0;
        double[] t = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            // stay inside the pieces next to b
            double room = Math.max(1.0, Math.abs(b[i]));
            if (i > 0) {
                room = Math.min(room, b[i] - b[i - 1]);
            }
            if (i + 1 < b.length) {
                room = Math.min(room, b[i + 1] - b[i]);
            }
            double d = 1e-5 * room;
            double vr = 2 * phi.value(b[i] + d) - phi.value(b[i] + 2 * d);
            double vl = 2 * phi.value(b[i] - d) - phi.value(b[i] - 2 * d);
            double gr = 2 * phi.derivative(b[i] + d) - phi.derivative(b[i] + 2 * d);
            double gl = 2 * phi.derivative(b[i] - d) - phi.derivative(b[i] - 2 * d);
            double cv = vr - vl;
            double jv = gr - gl;
            if (!Double.isFinite(cv) || !Double.isFinite(jv)) {
                return null;
            }
            // extrapolation errors: O(δ²φ'') in value, O(δ²φ''') in slope, far below these thresholds
            double sizeV = Math.abs(vr) + Math.abs(vl) + room * (Math.abs(gr) + Math.abs(gl)) + 1e-300;
            double sizeG = Math.abs(gr) + Math.abs(gl) + 1e-300;
            boolean hasV = Math.abs(cv) > NEGLIGIBLE * sizeV;
            boolean hasG = Math.abs(jv) > NEGLIGIBLE * sizeG;
            if (hasV || hasG) {
                t[keep] = b[i];
                c[keep] = hasV ? cv : 0.0;
                j[keep] = hasG ? jv : 0.0;
                keep++;
            }
        }
        if (keep == 0) {
            return null;
        }
        return new KinkPart(java.util.Arrays.copyOf(t, keep), java.util.Arrays.copyOf(c, keep),
                java.util.Arrays.copyOf(j, keep));
    }

    double value(double z) {
        double s = 0;
        for (int i = 0; i < at.length; i++) {
            if (z > at[i]) {
                s += valueJump[i] + slopeJump[i] * (z - at[i]);
            }
        }
        return s;
    }

    double derivative(double z) {
        double s = 0;
        for (int i = 0; i < at.length; i++) {
            if (z > at[i]) {
                s += slopeJump[i];
            }
        }
        return s;
    }

    /** ψ and ψ' on the first {@code n} points. */
    void evaluate(double[] z, int n, double[] values, double[] derivatives) {
        if (relu != null) {
            double jump = slopeJump[0];
            for (int p = 0; p < n; p++) {
                double x = z[p];
                boolean on = x > 0;
                values[p] = on ? jump * x : 0.0;
                derivatives[p] = on ? jump : 0.0;
            }
            return;
        }
        for (int p = 0; p < n; p++) {
            values[p] = value(z[p]);
            derivatives[p] = derivative(z[p]);
        }
    }

    /** {@code out = {E[ψ(u)ψ(v)], E[ψ'(u)ψ'(v)]}}. */
    void products(double mean, double k11, double k12, double k22, double[] out) {
        if (relu != null) {
            relu.products(mean, k11, k12, k22, out);
            out[0] *= j2;
            out[1] *= j2;
            return;
        }
        closed.products(mean, k11, k12, k22, out);
    }
}
