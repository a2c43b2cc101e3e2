package org.ntk4j.core.linalg.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.linalg.KernelRows;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * {@link KernelRows} of an in-memory {@code [n, n]} array: rows are read from a direct view of its native buffer
 * (a C-order copy is made once when the array is a view or F-ordered), or, for buffers beyond 2 GiB, through a reused
 * block buffer.
 */
public final class ArrayKernelRows implements KernelRows {
    private final INDArray k;
    private final long n;
    private final DataType storage;
    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private INDArray block;

    /** @param kernel {@code [n, n]} FLOAT or DOUBLE */
    public ArrayKernelRows(INDArray kernel) {
        if (kernel == null || kernel.rank() != 2 || kernel.size(0) != kernel.size(1)) {
            throw new IllegalArgumentException("expected a square kernel [n, n], got "
                    + (kernel == null ? "null" : Arrays.toString(kernel.shape())));
        }
        DataType t = kernel.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new IllegalArgumentException("expected a FLOAT or DOUBLE kernel, got " + t);
        }
        this.k = kernel.isView() || kernel.ordering() != 'c' ? kernel.dup('c') : kernel;
        this.n = kernel.size(0);
        this.storage = t;
        boolean direct = k.length() * t.width() < Integer.MAX_VALUE;
        this.floats = direct && t == DataType.FLOAT ? k.data().asNioFloat() : null;
        this.doubles = direct && t == DataType.DOUBLE ? k.data().asNioDouble() : null;
    }

    @Override
    public long size() {
        return n;
    }

    @Override
    public DataType storage() {
        return storage;
    }

    @Override
    public void read(long first, int count, double[] dst) {
        int len = (int) (count * n);
        if (floats != null) {
            int base = (int) (first * n);
            for (int i = 0; i < len; i++) {
                dst[i] = floats.get(base + i);
            }
        } else if (doubles != null) {
            doubles.get((int) (first * n), dst, 0, len);
        } else {
            if (block == null || block.size(0) < count) {
                block = Nd4j.create(DataType.DOUBLE, count, n);
            }
            INDArray b = block.get(NDArrayIndex.interval(0, count), NDArrayIndex.all());
            b.assign(k.get(NDArrayIndex.interval(first, first + count), NDArrayIndex.all()));
            for (int r = 0; r < count; r++) {
                for (long j = 0; j < n; j++) {
                    dst[(int) (r * n + j)] = b.getDouble(r, j);
                }
            }
        }
    }

    @Override
    public void readRowPrefix(long i, int count, double[] dst) {
        if (floats != null) {
            int base = (int) (i * n);
            for (int j = 0; j < count; j++) {
                dst[j] = floats.get(base + j);
            }
        } else if (doubles != null) {
            doubles.get((int) (i * n), dst, 0, count);
        } else {
            for (int j = 0; j < count; j++) {
                dst[j] = k.getDouble(i, j);
            }
        }
    }

    @Override
    public void diagonal(double[] dst) {
        for (long i = 0; i < n; i++) {
            dst[(int) i] = floats != null ? floats.get((int) (i * n + i))
                    : doubles != null ? doubles.get((int) (i * n + i)) : k.getDouble(i, i);
        }
    }
}
