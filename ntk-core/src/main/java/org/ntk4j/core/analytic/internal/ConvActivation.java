package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.GaussianClosedForm;
import org.ntk4j.core.analytic.Nonlinearity;

import java.util.Optional;

/**
 * The activation step of {@link ConvRecursion}: {@code Ĉ = E[φ(u)φ(v)]}, {@code T = E[φ'(u)φ'(v)]·Θ} per pixel pair,
 * {@code (u, v)} with the variances of their own pixels, exactly as the dense recursion's bivariate expectations:
 * <ul>
 *   <li>{@link Mode#CLOSED}: the activation's closed form, valid at its mean;</li>
 *   <li>{@link Mode#EXACT}: the error-controlled rule of the dense kernels — one {@link HermiteTable} row per
 *       (example, pixel) variance, built in the example's own run ({@code record}), and {@link ExactDuals} per pixel
 *       pair, whose largest relative error estimate is kept per thread;</li>
 *   <li>{@link Mode#FIXED}: the expert fixed Gauss–Hermite rule ({@link GaussianMoments}).</li>
 * </ul>
 */
final class ConvActivation implements ConvSteps.Step {
    /** How the Gaussian expectations are computed. */
    enum Mode { CLOSED, EXACT, FIXED }

    private final int pixels;
    private final int index;
    private final Nonlinearity phi;
    private final double mean;
    private final Mode mode;
    private final GaussianClosedForm closed;
    private final GaussianMoments moments;
    private final double target;
    /** EXACT: pixel of each entry on the first and second side, and whether it is one pixel with itself. */
    private final int[] rows;
    private final int[] cols;
    private final boolean[] same;

    /**
     * @param pixels   pixels of the state
     * @param full     whether the state holds every pixel pair
     * @param index    the activation step's index
     * @param fixed    whether the expert fixed rule was requested ({@code moments} then has its degree)
     * @param target   per-entry accuracy goal of the error-controlled rule, relative to its Cauchy–Schwarz scale
     */
    ConvActivation(int pixels, boolean full, int index, Nonlinearity phi, double mean, boolean fixed,
                   GaussianMoments moments, double target) {
        this.pixels = pixels;
        this.index = index;
        this.phi = phi;
        this.mean = mean;
        this.moments = moments;
        this.target = target;
        Optional<GaussianClosedForm> cf = phi.closedForm();
        if (cf.isPresent() && cf.get().supportsMean(mean)) {
            mode = Mode.CLOSED;
            closed = cf.get();
        } else {
            mode = fixed ? Mode.FIXED : Mode.EXACT;
            closed = null;
        }
        if (mode == Mode.EXACT) {
            int len = full ? pixels * pixels : pixels;
            rows = new int[len];
            cols = new int[len];
            same = new boolean[len];
            for (int i = 0; i < len; i++) {
                rows[i] = full ? i / pixels : i;
                cols[i] = full ? i % pixels : i;
                same[i] = rows[i] == cols[i];
            }
        } else {
            rows = null;
            cols = null;
            same = null;
        }
    }

    @Override
    public int activationIndex() {
        return index;
    }

    /** @return whether this step uses the error-controlled rule (and so per-example tables) */
    @Override
    public boolean usesTables() {
        return mode == Mode.EXACT;
    }

    @Override
    public void apply(ConvRecursion.Work w, boolean full, ConvRecursion.Example e1, ConvRecursion.Example e2,
                      boolean record) {
        int p = pixels;
        int len = full ? p * p : p;
        double[] k = w.a;
        if (record) {
            double[] v = new double[p];
            for (int i = 0; i < p; i++) {
                v[i] = full ? k[i * p + i] : k[i];
            }
            e1.variances[index] = v;
            if (mode == Mode.EXACT) {
                e1.tables[index] = HermiteTable.of(phi, mean, v, false);
            }
        }
        double[] v1 = e1.variances[index];
        double[] v2 = e2.variances[index];
        double[] c = w.na;
        double[] e = w.e;
        switch (mode) {
            case CLOSED -> {
                double[] out = w.pair;
                int rowsOf = full ? p : 1;
                int colsOf = full ? p : len;
                for (int i = 0; i < rowsOf; i++) {
                    int row = i * colsOf;
                    double a0 = full ? Math.max(0.0, v1[i]) : 0.0;
                    for (int j = 0; j < colsOf; j++) {
                        double a = full ? a0 : Math.max(0.0, v1[j]);
                        double b = Math.max(0.0, v2[j]);
                        // larger variance first, as GaussianMoments does: symmetric under swapping bit for bit
                        closed.products(mean, Math.max(a, b), k[row + j], Math.min(a, b), out);
                        c[row + j] = out[0];
                        e[row + j] = out[1];
                    }
                }
            }
            case EXACT -> {
                double err = ExactDuals.compute(phi, e1.tables[index], rows, e2.tables[index], cols,
                        e1 == e2 ? same : null, k, len, target * w.goal[index], false, c, e);
                w.errors[index] = Math.max(w.errors[index], err);
            }
            default -> {
                for (int i = 0; i < len; i++) {
                    w.k11[i] = v1[full ? i / p : i];
                    w.k22[i] = v2[full ? i % p : i];
                }
                moments.compute(phi, mean, w.k11, k, w.k22, len, c, e);
            }
        }
        double[] t = w.b;
        double[] nt = w.nb;
        for (int i = 0; i < len; i++) {
            nt[i] = e[i] * t[i];
        }
    }
}
