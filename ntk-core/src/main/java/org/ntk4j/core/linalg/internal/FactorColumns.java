package org.ntk4j.core.linalg.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * A growing factor {@code F [n, k]} in DOUBLE, held as column slabs of {@code w = min(}{@value #SLAB}{@code , cap)}
 * columns ({@code 'f'} order each, so every column range of a slab is a BLAS-compatible matrix). A slab is allocated
 * when the first column that falls in it is appended: memory follows the rank reached ({@code 8·n·⌈k / w⌉·w}
 * bytes), not the largest rank allowed. The products with {@code F} and {@code Fᵀ} are sums and concatenations over the slabs.
 */
final class FactorColumns implements AutoCloseable {
    /** Columns per slab. */
    static final int SLAB = 1024;

    private final int n;
    private final int width;
    private final List<INDArray> slabs = new ArrayList<>();
    private int k;

    /**
     * @param n   rows
     * @param cap the largest number of columns that will be appended
     */
    FactorColumns(int n, int cap) {
        this.n = n;
        this.width = Math.max(1, Math.min(SLAB, cap));
    }

    /** @return the number of columns k */
    int columns() {
        return k;
    }

    /** @return bytes of the slabs allocated so far */
    long bytes() {
        return 8L * n * width * slabs.size();
    }

    /** @return bytes of the slabs that {@code k} columns occupy when the cap is {@code k} (an estimate) */
    static long bytes(long n, long k) {
        long w = Math.max(1, Math.min(SLAB, k));
        return 8L * n * ((k + w - 1) / w) * w;
    }

    /** Appends the columns of {@code c [n, m]}. */
    void append(INDArray c) {
        int m = (int) c.size(1);
        int done = 0;
        while (done < m) {
            int slab = k / width, at = k % width;
            if (slab == slabs.size()) {
                // not zeroed: only appended columns are ever read (used)
                slabs.add(Nd4j.createUninitialized(DataType.DOUBLE, new long[]{n, width}, 'f'));
            }
            int take = Math.min(m - done, width - at);
            slabs.get(slab).get(NDArrayIndex.all(), NDArrayIndex.interval(at, at + take))
                    .assign(c.get(NDArrayIndex.all(), NDArrayIndex.interval(done, done + take)));
            done += take;
            k += take;
        }
    }

    /** The used columns of slab {@code s}: a view {@code [n, w]}. */
    private INDArray used(int s) {
        int w = Math.min(width, k - s * width);
        INDArray a = slabs.get(s);
        return w == width ? a : a.get(NDArrayIndex.all(), NDArrayIndex.interval(0, w));
    }

    /** {@code g ← g − F F[rows, :]ᵀ} for {@code g [n, rows.length]}: the residual of new kernel columns. */
    void subtractProjection(INDArray g, int[] rows) {
        int b = rows.length;
        for (int s = 0; s < slabs.size() && s * width < k; s++) {
            INDArray fk = used(s);
            INDArray fs = Nd4j.create(DataType.DOUBLE, b, fk.size(1));
            for (int i = 0; i < b; i++) {
                fs.getRow(i).assign(fk.getRow(rows[i]));
            }
            Nd4j.gemm(fk, fs, g, false, true, -1.0, 1.0);
            fs.close();
        }
    }

    /**
     * {@code Fᵀ diag(w) F [k, k]} ({@code 'f'}, DOUBLE): its slab-by-slab blocks on and below the diagonal, the upper
     * triangle left zero. One column panel (a slab's columns) at a time: per row chunk the panel's rows scaled by
     * {@code w} (one {@code [chunk, w]} buffer), then one GEMM per slab at or below it straight from the slab's rows
     * into that block's accumulator ({@code β = 1} after the first chunk). No chunk of F is copied, every GEMM is a
     * {@code [chunk × w]ᵀ [chunk × w]} product, and the accumulators (at most {@code k × w}) are allocated once per
     * panel, not per chunk.
     *
     * @param wt        the row weights, length n
     * @param chunkRows rows per chunk
     * @return the lower block triangle of the weighted Gram matrix
     */
    INDArray weightedGramLower(double[] wt, int chunkRows) {
        INDArray s = Nd4j.create(DataType.DOUBLE, new long[]{k, k}, 'f');
        int used = (k + width - 1) / width;
        int chunk = Math.min(n, chunkRows);
        INDArray scaledBuf = Nd4j.createUninitialized(DataType.DOUBLE, new long[]{chunk, width}, 'f');
        INDArray weights = Nd4j.createFromArray(wt).reshape(n, 1);
        INDArray[] acc = new INDArray[used];
        for (int p = 0; p < used; p++) {
            INDArray fp = used(p);
            int wp = (int) fp.size(1);
            for (int q = p; q < used; q++) {
                acc[q] = Nd4j.create(DataType.DOUBLE, new long[]{used(q).size(1), wp}, 'f');
            }
            for (long r0 = 0; r0 < n; r0 += chunk) {
                int rows = (int) (Math.min(n, r0 + chunk) - r0);
                INDArray scaled = rows == chunk && wp == width ? scaledBuf
                        : scaledBuf.get(NDArrayIndex.interval(0, rows), NDArrayIndex.interval(0, wp));
                scaled.assign(fp.get(NDArrayIndex.interval(r0, r0 + rows), NDArrayIndex.all()))
                        .muliColumnVector(weights.get(NDArrayIndex.interval(r0, r0 + rows), NDArrayIndex.all()));
                for (int q = p; q < used; q++) {
                    Nd4j.gemm(used(q).get(NDArrayIndex.interval(r0, r0 + rows), NDArrayIndex.all()), scaled, acc[q],
                            true, false, 1.0, r0 == 0 ? 0.0 : 1.0);
                }
            }
            for (int q = p; q < used; q++) {
                s.get(NDArrayIndex.interval((long) q * width, (long) q * width + acc[q].size(0)),
                        NDArrayIndex.interval((long) p * width, (long) p * width + wp)).assign(acc[q]);
                acc[q].close();
            }
        }
        scaledBuf.close();
        weights.close();
        return s;
    }

    /** @return {@code Fᵀ u [k, 1]} for {@code u [n, 1]} */
    INDArray transposeTimes(INDArray u) {
        INDArray out = Nd4j.create(DataType.DOUBLE, k, 1);
        for (int s = 0; s < slabs.size() && s * width < k; s++) {
            INDArray fk = used(s);
            int c0 = s * width;
            INDArray piece = fk.transpose().mmul(u);
            out.get(NDArrayIndex.interval(c0, c0 + fk.size(1)), NDArrayIndex.all()).assign(piece);
            piece.close();
        }
        return out;
    }

    /** @return {@code F z [n, 1]} for {@code z [k, 1]} */
    INDArray times(INDArray z) {
        INDArray out = Nd4j.create(DataType.DOUBLE, n, 1);
        for (int s = 0; s < slabs.size() && s * width < k; s++) {
            INDArray fk = used(s);
            int c0 = s * width;
            Nd4j.gemm(fk, z.get(NDArrayIndex.interval(c0, c0 + fk.size(1)), NDArrayIndex.all()).dup(), out, false,
                    false, 1.0, 1.0);
        }
        return out;
    }

    @Override
    public void close() {
        for (INDArray a : slabs) {
            a.close();
        }
        slabs.clear();
        k = 0;
    }
}
