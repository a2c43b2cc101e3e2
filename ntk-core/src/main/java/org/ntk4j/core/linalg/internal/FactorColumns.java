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
                slabs.add(Nd4j.create(DataType.DOUBLE, new long[]{n, width}, 'f'));
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

    /** Copies rows {@code [r0, r0 + rows)} of {@code F} into {@code dst [rows, k]}. */
    void copyRows(long r0, int rows, INDArray dst) {
        for (int s = 0; s < slabs.size() && s * width < k; s++) {
            INDArray fk = used(s);
            int c0 = s * width;
            dst.get(NDArrayIndex.all(), NDArrayIndex.interval(c0, c0 + fk.size(1)))
                    .assign(fk.get(NDArrayIndex.interval(r0, r0 + rows), NDArrayIndex.all()));
        }
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
