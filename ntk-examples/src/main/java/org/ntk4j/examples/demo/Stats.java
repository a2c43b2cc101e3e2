package org.ntk4j.examples.demo;

/** Small statistics on double arrays. */
final class Stats {
    private Stats() {
    }

    /** @return ‖a − b‖ / ‖b‖ */
    static double relDiff(double[] a, double[] b) {
        return norm(sub(a, b)) / norm(b);
    }

    static double[] sub(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }

    /**
     * Least-squares line through {@code (log x, log y)}.
     *
     * @return {slope, intercept} of {@code log y = slope · log x + intercept}
     */
    static double[] logLogFit(double[] x, double[] y) {
        int n = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += Math.log(x[i]);
            my += Math.log(y[i]);
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(x[i]) - mx;
            sxy += dx * (Math.log(y[i]) - my);
            sxx += dx * dx;
        }
        double slope = sxy / sxx;
        return new double[]{slope, my - slope * mx};
    }
}
