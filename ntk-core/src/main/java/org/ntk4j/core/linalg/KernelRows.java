package org.ntk4j.core.linalg;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.linalg.internal.ArrayKernelRows;
import org.ntk4j.core.linalg.internal.MappedKernelRows;

import java.nio.file.Path;

/**
 * A square symmetric kernel matrix {@code K [n, n]} read by blocks of rows, for the iterative solver
 * ({@link IterativeKernelSolver}): the matrix may live in memory or in a memory-mapped {@code .npy} file larger than
 * the heap (or than 2 GiB). Entries are delivered as {@code double} whatever the storage type, so that products with
 * the kernel run in double precision even for a FLOAT kernel. The solver treats the matrix as symmetric and its
 * kernel–vector products read only the lower triangle ({@code j ≤ i}, as a dense Cholesky {@code potrf('L')} does).
 *
 * <p>{@link #read} is not thread-safe; {@link #readRowPrefix} is.
 */
public interface KernelRows {

    /** @return n, the number of rows (= columns) */
    long size();

    /** @return how the entries are stored (FLOAT or DOUBLE) */
    DataType storage();

    /**
     * Reads rows {@code first .. first+count-1} into {@code dst}, row-major ({@code dst[r·n + j] = K[first+r, j]}).
     *
     * @param first first row, {@code 0 ≤ first}, {@code first + count ≤ n}
     * @param count number of rows
     * @param dst   at least {@code count·n} doubles
     */
    void read(long first, int count, double[] dst);

    /**
     * Reads the first {@code count} entries of row {@code i}, {@code K[i, 0 .. count-1]}, into
     * {@code dst[0 .. count-1]}. Unlike {@link #read}, this may be called from several threads at once (each with its
     * own {@code dst}): the solver's kernel–vector product reads the lower triangle this way, in parallel.
     *
     * @param i     the row, {@code 0 ≤ i < n}
     * @param count entries, {@code 0 ≤ count ≤ n}
     * @param dst   at least {@code count} doubles
     */
    void readRowPrefix(long i, int count, double[] dst);

    /**
     * @param dst the diagonal {@code K[i, i]}, {@code n} doubles
     */
    void diagonal(double[] dst);

    /**
     * An in-memory kernel.
     *
     * @param kernel {@code [n, n]} FLOAT or DOUBLE, symmetric (not checked entry by entry: the solver reads it as such)
     * @return its row source; the array is read, never modified
     */
    static KernelRows of(INDArray kernel) {
        return new ArrayKernelRows(kernel);
    }

    /**
     * A kernel in a {@code .npy} file ({@code <f4} or {@code <f8}, C order, shape {@code [n, n]}, any size), mapped
     * read-only; pages are read by the operating system as the solver streams through the rows.
     *
     * @param file the {@code .npy} file
     * @return its row source
     * @throws org.ntk4j.core.io.ArrayFormatException when the file is not such a kernel (message names the file)
     */
    static KernelRows mapped(Path file) {
        return new MappedKernelRows(file);
    }
}
