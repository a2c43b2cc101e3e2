package org.ntk4j.dl4j.arbiter;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * A least-squares line {@code log y = intercept + slope · log x} through points {@code (x_i, y_i)} (natural logs), with
 * a two-sided confidence interval for the slope from Student's t distribution with {@code n − 2} degrees of freedom.
 * For a width sweep {@code x} is the width and {@code y} the drift or the linearization gap of one candidate; every
 * seed is its own point. Immutable.
 *
 * @param slope      the fitted exponent: {@code y ∝ x^slope}
 * @param intercept  the fitted {@code log y} at {@code x = 1}
 * @param low        lower end of the interval for the slope; NaN with fewer than 3 points or distinct x values
 * @param high       upper end of the interval for the slope; NaN likewise
 * @param confidence the confidence level of the interval, e.g. 0.95
 * @param points     the number of points used
 */
public record SlopeFit(double slope, double intercept, double low, double high, double confidence, int points) {

    /**
     * Fits the line on log–log axes.
     *
     * @param x          positive abscissae (widths)
     * @param y          positive ordinates, same length as {@code x}
     * @param confidence in (0, 1), e.g. 0.95
     * @return the fit
     * @throws IllegalArgumentException for fewer than two points, non-positive or non-finite values, or a single
     *                                  distinct {@code x}
     */
    public static SlopeFit logLog(double[] x, double[] y, double confidence) {
        if (x == null || y == null || x.length != y.length) {
            throw new IllegalArgumentException("SlopeFit: x and y must have the same length (got: "
                    + (x == null ? "null" : x.length) + ", " + (y == null ? "null" : y.length) + ")");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("SlopeFit: confidence must be in (0, 1) (got: " + confidence + ")");
        }
        int n = x.length;
        if (n < 2) {
            throw new IllegalArgumentException("SlopeFit: need at least 2 points (got: " + n + ")");
        }
        double[] lx = new double[n];
        double[] ly = new double[n];
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            if (!(x[i] > 0) || !(y[i] > 0) || Double.isInfinite(x[i]) || Double.isInfinite(y[i])) {
                throw new IllegalArgumentException("SlopeFit: log-log fit needs positive finite values (got: x=" + x[i]
                        + ", y=" + y[i] + " at point " + i + ")");
            }
            lx[i] = Math.log(x[i]);
            ly[i] = Math.log(y[i]);
            mx += lx[i];
            my += ly[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (lx[i] - mx) * (lx[i] - mx);
            sxy += (lx[i] - mx) * (ly[i] - my);
        }
        if (!(sxx > 0)) {
            throw new IllegalArgumentException("SlopeFit: need at least 2 distinct x values (got: all x = " + x[0] + ")");
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double low = Double.NaN;
        double high = Double.NaN;
        if (n > 2) {
            double sse = 0;
            for (int i = 0; i < n; i++) {
                double r = ly[i] - intercept - slope * lx[i];
                sse += r * r;
            }
            double se = Math.sqrt(sse / (n - 2) / sxx);
            double t = new TDistribution(n - 2).inverseCumulativeProbability(0.5 + confidence / 2);
            low = slope - t * se;
            high = slope + t * se;
        }
        return new SlopeFit(slope, intercept, low, high, confidence, n);
    }

    /** @return true when the interval is defined (at least 3 points) */
    public boolean hasInterval() {
        return !Double.isNaN(low);
    }

    /**
     * @param x an abscissa &gt; 0
     * @return the fitted {@code y} at {@code x}
     */
    public double predict(double x) {
        return Math.exp(intercept + slope * Math.log(x));
    }
}
