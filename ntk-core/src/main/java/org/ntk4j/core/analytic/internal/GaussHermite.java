package org.ntk4j.core.analytic.internal;

import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Gauss–Hermite rule for the standard normal measure: {@code E[f(ξ)] ≈ Σ_i w_i f(x_i)}, {@code ξ ~ N(0, 1)},
 * exact for polynomials of degree {@code ≤ 2q − 1}.
 *
 * <p>Nodes are the eigenvalues of the Jacobi matrix of the probabilists' Hermite polynomials (zero diagonal,
 * off-diagonal {@code √k}), refined by Newton steps on the orthonormal three-term recurrence; weights are
 * {@code 1 / Σ_{k<q} p_k(x_i)²} with the orthonormal polynomials {@code p_k} (Christoffel numbers), so they sum to 1.
 */
public final class GaussHermite {
    private final double[] nodes;
    private final double[] weights;

    private GaussHermite(double[] nodes, double[] weights) {
        this.nodes = nodes;
        this.weights = weights;
    }

    /**
     * @param q number of nodes, 1 ≤ q ≤ 400
     * @return the rule
     */
    public static GaussHermite of(int q) {
        if (q < 1 || q > 400) {
            throw new IllegalArgumentException("Gauss-Hermite degree must be in [1, 400] (got: " + q + ")");
        }
        double[] x = new double[q];
        if (q > 1) {
            double[] diag = new double[q];
            double[] off = new double[q - 1];
            for (int k = 1; k < q; k++) {
                off[k - 1] = Math.sqrt(k);
            }
            double[] ev = new EigenDecomposition(diag, off).getRealEigenvalues();
            System.arraycopy(ev, 0, x, 0, q);
            java.util.Arrays.sort(x);
        }
        double[] w = new double[q];
        for (int i = 0; i < q; i++) {
            double xi = x[i];
            for (int it = 0; it < 3 && q > 1; it++) {
                double[] p = orthonormal(xi, q);
                double dp = Math.sqrt(q) * p[q - 1];
                if (dp == 0) {
                    break;
                }
                xi -= p[q] / dp;
            }
            x[i] = xi;
            double[] p = orthonormal(xi, q);
            double s = 0;
            for (int k = 0; k < q; k++) {
                s += p[k] * p[k];
            }
            w[i] = 1.0 / s;
        }
        // symmetrise: nodes are ± pairs, weights equal in pairs
        for (int i = 0; i < q / 2; i++) {
            int j = q - 1 - i;
            double a = 0.5 * (x[j] - x[i]);
            x[i] = -a;
            x[j] = a;
            double ww = 0.5 * (w[i] + w[j]);
            w[i] = ww;
            w[j] = ww;
        }
        if (q % 2 == 1) {
            x[q / 2] = 0.0;
        }
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        for (int i = 0; i < q; i++) {
            w[i] /= sum;
        }
        return new GaussHermite(x, w);
    }

    /** p_0..p_q at x, orthonormal w.r.t. N(0,1): p_{k+1} = (x p_k − √k p_{k−1}) / √(k+1). */
    private static double[] orthonormal(double x, int q) {
        double[] p = new double[q + 1];
        p[0] = 1.0;
        if (q >= 1) {
            p[1] = x;
        }
        for (int k = 1; k < q; k++) {
            p[k + 1] = (x * p[k] - Math.sqrt(k) * p[k - 1]) / Math.sqrt(k + 1);
        }
        return p;
    }

    /** @return the number of nodes */
    public int size() {
        return nodes.length;
    }

    /** @return a copy of the nodes, ascending */
    public double[] nodes() {
        return nodes.clone();
    }

    /** @return a copy of the weights (sum 1) */
    public double[] weights() {
        return weights.clone();
    }

    double node(int i) {
        return nodes[i];
    }

    double weight(int i) {
        return weights[i];
    }
}
