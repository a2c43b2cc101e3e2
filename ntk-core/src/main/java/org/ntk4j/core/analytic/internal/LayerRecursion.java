package org.ntk4j.core.analytic.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.analytic.DenseLayerSpec;
import org.ntk4j.core.analytic.GaussianClosedForm;

import java.util.List;

/**
 * The layer recursions of {@code FullyConnectedKernel} for the per-example diagonals and for one tile of pairs, with
 * each layer's Gaussian expectations from its closed form, the fixed Gauss–Hermite rule, or the error-controlled rule
 * ({@link HermiteTable}, {@link ExactDuals}); the largest estimated error of each layer is accumulated into
 * {@code layerError}.
 */
public final class LayerRecursion {
    private final int inputDim;
    private final boolean standard;
    private final List<DenseLayerSpec> layers;
    private final boolean fixedDegree;
    private final double tolerance;
    private final boolean parallel;

    /**
     * @param inputDim    input dimension
     * @param standard    standard (true) or NTK parameterization
     * @param layers      the layers
     * @param fixedDegree whether the fixed Gauss–Hermite rule was requested
     * @param tolerance   the kernel's tolerance
     * @param parallel    whether pairs may run on the common fork-join pool
     */
    public LayerRecursion(int inputDim, boolean standard, List<DenseLayerSpec> layers, boolean fixedDegree,
                          double tolerance, boolean parallel) {
        this.inputDim = inputDim;
        this.standard = standard;
        this.layers = layers;
        this.fixedDegree = fixedDegree;
        this.tolerance = tolerance;
        this.parallel = parallel;
    }

    private boolean exact(DenseLayerSpec s) {
        if (fixedDegree) {
            return false;
        }
        java.util.Optional<GaussianClosedForm> cf = s.activation().closedForm();
        return cf.isEmpty() || !cf.get().supportsMean(s.biasMean());
    }

    private double pairTarget() {
        return 0.05 * tolerance / ((double) layers.size() * layers.size());
    }

    /**
     * Both kernels of the output pre-activation, tile by tile ({@code tileSize × tileSize} pairs; only the upper
     * triangle when {@code symmetric}, mirrored).
     *
     * @param a          first inputs {@code [n1, d]}, DOUBLE
     * @param b          second inputs {@code [n2, d]}, DOUBLE ({@code a} itself when {@code symmetric})
     * @param symmetric  whether {@code b} is {@code a}
     * @param type       data type of the result
     * @param tileSize   examples per tile edge
     * @param moments    closed forms and the fixed Gauss–Hermite rule
     * @param layerError receives the largest estimated error of each layer
     * @return {NNGP, NTK}, each {@code [n1, n2]} of {@code type}
     */
    public INDArray[] kernels(INDArray a, INDArray b, boolean symmetric, DataType type, int tileSize,
                              GaussianMoments moments, double[] layerError) {
        int n1 = (int) a.size(0);
        int n2 = (int) b.size(0);
        int depth = layers.size();
        HermiteTable[] tab1 = new HermiteTable[depth];
        HermiteTable[] tab2 = symmetric ? tab1 : new HermiteTable[depth];
        double[][] diag1 = diagonal(a, moments, tab1, layerError);
        double[][] diag2 = symmetric ? diag1 : diagonal(b, moments, tab2, layerError);
        INDArray nngp = Nd4j.create(type, n1, n2);
        INDArray ntk = Nd4j.create(type, n1, n2);
        int t = tileSize;
        for (int r0 = 0; r0 < n1; r0 += t) {
            int r1 = Math.min(n1, r0 + t);
            INDArray rows = a.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all());
            for (int c0 = symmetric ? r0 : 0; c0 < n2; c0 += t) {
                int c1 = Math.min(n2, c0 + t);
                INDArray cols = b.get(NDArrayIndex.interval(c0, c1), NDArrayIndex.all());
                INDArray gram = rows.mmul(cols.transpose()).divi(inputDim);
                boolean diagonalTile = symmetric && c0 == r0;
                double[][] tile = tile(gram.dup('c').data().asDouble(), r0, r1, c0, c1, diag1, diag2, moments,
                        diagonalTile, tab1, tab2, layerError);
                put(nngp, tile[0], r0, r1, c0, c1, type);
                put(ntk, tile[1], r0, r1, c0, c1, type);
                if (symmetric && c0 != r0) {
                    put(nngp, transpose(tile[0], r1 - r0, c1 - c0), c0, c1, r0, r1, type);
                    put(ntk, transpose(tile[1], r1 - r0, c1 - c0), c0, c1, r0, r1, type);
                }
            }
        }
        return new INDArray[]{nngp, ntk};
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    private static void put(INDArray out, double[] values, int r0, int r1, int c0, int c1, DataType type) {
        INDArray block = Nd4j.create(values, new long[]{r1 - r0, c1 - c0}, 'c');
        out.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.interval(c0, c1)).assign(block.castTo(type));
    }

    /** K_l(x, x) for l = 1..L, per example: result[l-1][i]. */
    public double[][] diagonal(INDArray x, GaussianMoments moments, HermiteTable[] tables, double[] layerError) {
        int n = (int) x.size(0);
        double[] g = x.mul(x).sum(1).divi(inputDim).castTo(DataType.DOUBLE).dup().data().asDouble();
        int depth = layers.size();
        double[][] out = new double[depth][];
        double[] chat = g;
        double[] e = new double[n];
        for (int l = 0; l < depth; l++) {
            DenseLayerSpec s = layers.get(l);
            double[] k = new double[n];
            for (int i = 0; i < n; i++) {
                k[i] = s.weightVariance() * chat[i] + s.biasVariance();
            }
            out[l] = k;
            if (l < depth - 1) {
                double[] next = new double[n];
                if (exact(s)) {
                    HermiteTable t = HermiteTable.of(s.activation(), s.biasMean(), k, parallel);
                    tables[l] = t;
                    for (int i = 0; i < n; i++) {
                        next[i] = t.valueEnergy(i);
                        double[] err = t.energyErrors(i);
                        layerError[l] = Math.max(layerError[l], Math.max(rel(err[0], next[i]),
                                rel(err[1], t.derivativeEnergy(i))));
                    }
                } else {
                    moments.compute(s.activation(), s.biasMean(), k, k, k, n, next, e);
                }
                chat = next;
            }
        }
        return out;
    }

    /**
     * One tile: rows {@code r0..r1} of the first inputs against columns {@code c0..c1} of the second.
     *
     * @return {NNGP, NTK} of the tile, row-major {@code [r1 − r0, c1 − c0]}
     */
    public double[][] tile(double[] gram, int r0, int r1, int c0, int c1, double[][] diag1, double[][] diag2,
                            GaussianMoments moments, boolean diagonalTile, HermiteTable[] tab1, HermiteTable[] tab2,
                            double[] layerError) {
        int br = r1 - r0;
        int bc = c1 - c0;
        // pairs to compute: all of them, or the upper triangle of a diagonal tile (mirrored at the end)
        int m = diagonalTile ? br * (br + 1) / 2 : br * bc;
        int[] pi = new int[m];
        int[] pj = new int[m];
        int p = 0;
        for (int i = 0; i < br; i++) {
            for (int j = diagonalTile ? i : 0; j < bc; j++) {
                pi[p] = i;
                pj[p] = j;
                p++;
            }
        }
        double[] chat = new double[m];
        for (int t = 0; t < m; t++) {
            chat[t] = gram[pi[t] * bc + pj[t]];
        }
        double[] theta = new double[m];
        double[] k = new double[m];
        double[] e = new double[m];
        double[] k11 = new double[m];
        double[] k22 = new double[m];
        int depth = layers.size();
        int prevWidth = inputDim;
        int[] rows = null;
        int[] cols = null;
        boolean[] same = null;
        for (int l = 0; l < depth; l++) {
            DenseLayerSpec s = layers.get(l);
            double sw = s.weightVariance();
            double sb = s.biasVariance();
            double al;
            double cl;
            if (standard) {
                al = prevWidth;
                cl = s.bias() ? 1.0 : 0.0;
            } else {
                al = sw;
                cl = sb;
            }
            for (int i = 0; i < m; i++) {
                k[i] = sw * chat[i] + sb;
                theta[i] = al * chat[i] + cl + (l == 0 ? 0.0 : sw * e[i] * theta[i]);
            }
            if (l < depth - 1) {
                double[] d1 = diag1[l];
                double[] d2 = diag2[l];
                for (int t = 0; t < m; t++) {
                    k11[t] = d1[r0 + pi[t]];
                    k22[t] = d2[c0 + pj[t]];
                }
                if (tab1[l] != null) {
                    if (rows == null) {
                        rows = new int[m];
                        cols = new int[m];
                        same = diagonalTile ? new boolean[m] : null;
                        for (int t = 0; t < m; t++) {
                            rows[t] = r0 + pi[t];
                            cols[t] = c0 + pj[t];
                            if (same != null) {
                                same[t] = pi[t] == pj[t];
                            }
                        }
                    }
                    double err = ExactDuals.compute(s.activation(), tab1[l], rows, tab2[l], cols, same, k, m,
                            pairTarget(), parallel, chat, e);
                    layerError[l] = Math.max(layerError[l], err);
                } else {
                    moments.compute(s.activation(), s.biasMean(), k11, k, k22, m, chat, e);
                }
            }
            prevWidth = s.width();
        }
        double[] nngp = new double[br * bc];
        double[] ntk = new double[br * bc];
        for (int t = 0; t < m; t++) {
            nngp[pi[t] * bc + pj[t]] = k[t];
            ntk[pi[t] * bc + pj[t]] = theta[t];
            if (diagonalTile) {
                nngp[pj[t] * bc + pi[t]] = k[t];
                ntk[pj[t] * bc + pi[t]] = theta[t];
            }
        }
        return new double[][]{nngp, ntk};
    }

    private static double rel(double err, double scale) {
        return err <= 1e-280 ? 0.0 : (scale > 0 ? err / scale : Double.POSITIVE_INFINITY);
    }
}
