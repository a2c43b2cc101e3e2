package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.GaussianClosedForm;
import org.ntk4j.core.analytic.Nonlinearity;

import java.util.Optional;

/**
 * ReLU, leaky ReLU and abs, {@code z} for {@code z ≥ 0} and {@code αz} otherwise: the arc-cosine kernels (Cho and Saul,
 * 2009) for a zero mean, written with {@code s = √(k11·k22)}, {@code ρ = k12/s} and {@code θ = arccos ρ} as
 * {@code E[φφ] = ((1+α)/2)² k12 + ((1−α)/2)² (2s/π)(sin θ + (π/2 − θ) cos θ)},
 * {@code E[φ'φ'] = α + (1−α)² (π − θ)/(2π)}; the piecewise-linear closed form ({@link PiecewiseLinear}) for any
 * other mean.
 */
public final class ArcCosine implements Nonlinearity, GaussianClosedForm {
    private final String name;
    private final double alpha;
    private final PiecewiseLinear shifted;

    /**
     * @param name  a name for messages
     * @param alpha the slope for {@code z < 0} (finite)
     */
    public ArcCosine(String name, double alpha) {
        this.name = name;
        this.alpha = alpha;
        this.shifted = PiecewiseLinear.of(Nonlinearity.of(name,
                z -> z >= 0 ? z : alpha * z, z -> z > 0 ? 1.0 : alpha, new double[]{0.0}, 4.0));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double value(double z) {
        return z >= 0 ? z : alpha * z;
    }

    @Override
    public double derivative(double z) {
        return z > 0 ? 1.0 : alpha;
    }

    @Override
    public double[] breakpoints() {
        return new double[]{0.0};
    }

    @Override
    public double smoothnessScale() {
        return 4.0;
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
        if (mean != 0.0) {
            shifted.products(mean, k11, k12, k22, out);
            return;
        }
        double s = Math.sqrt(Math.max(0.0, k11) * Math.max(0.0, k22));
        double rho = s > 0 ? Math.max(-1.0, Math.min(1.0, k12 / s)) : 0.0;
        if (Math.abs(rho) >= 1 - 2.3e-16) {
            // within two units of rounding of ±1: arccos would turn the rounding into an error of √ε
            rho = Math.signum(rho);
        }
        double theta = FastArc.acos(rho);
        double sin = Math.sqrt(Math.max(0.0, (1 - rho) * (1 + rho)));
        double a = (1 + alpha) / 2;
        double b = (1 - alpha) / 2;
        out[0] = a * a * s * rho + b * b * 2 * s / Math.PI * (sin + (Math.PI / 2 - theta) * rho);
        double bb = 1 - alpha;
        out[1] = alpha + bb * bb * (Math.PI - theta) / (2 * Math.PI);
    }

    @Override
    public String toString() {
        return name;
    }
}
