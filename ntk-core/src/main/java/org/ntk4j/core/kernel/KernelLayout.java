package org.ntk4j.core.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Conversions between the kernel layouts used throughout ntk4j.
 *
 * <ul>
 *   <li>FULL: {@code [n1, n2, o, o]}</li>
 *   <li>TRACE: {@code [n1, n2]}, the mean over outputs of the diagonal blocks</li>
 *   <li>flat: {@code [n1*o, n2*o]}, example-major (row {@code i*o + k})</li>
 * </ul>
 * All methods return new arrays of the input's data type and never modify their argument.
 */
public final class KernelLayout {
    private KernelLayout() {
    }

    /**
     * Mean over outputs of a FULL kernel.
     *
     * @param full {@code [n1, n2, o, o]}
     * @return {@code [n1, n2]} with entry {@code (1/o) Σ_k full[i, j, k, k]}
     */
    public static INDArray traceOf(INDArray full) {
        requireRank(full, 4, "FULL kernel [n1, n2, o, o]");
        long o = full.size(2);
        if (full.size(3) != o) {
            throw new IllegalArgumentException("FULL kernel must have square output blocks [n1, n2, o, o], got "
                    + Arrays.toString(full.shape()));
        }
        INDArray acc = full.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).dup('c');
        for (long k = 1; k < o; k++) {
            acc.addi(full.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(k),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(k)));
        }
        return acc.divi(o);
    }

    /**
     * Flattens a FULL kernel to the example-major matrix used by kernel regression.
     *
     * @param full {@code [n1, n2, o, o]}
     * @return {@code [n1*o, n2*o]}, entry {@code [i*o + k, j*o + l] = full[i, j, k, l]}
     */
    public static INDArray flatten(INDArray full) {
        requireRank(full, 4, "FULL kernel [n1, n2, o, o]");
        long n1 = full.size(0), n2 = full.size(1), o1 = full.size(2), o2 = full.size(3);
        // [n1, n2, o, o] -> [n1, o, n2, o] -> [n1*o, n2*o]
        return full.permute(0, 2, 1, 3).dup('c').reshape('c', n1 * o1, n2 * o2);
    }

    /**
     * Inverse of {@link #flatten(INDArray)}.
     *
     * @param flat {@code [n1*o, n2*o]}
     * @param outputs o, the number of network outputs
     * @return {@code [n1, n2, o, o]}
     */
    public static INDArray unflatten(INDArray flat, int outputs) {
        requireRank(flat, 2, "flat kernel [n1*o, n2*o]");
        if (outputs <= 0 || flat.size(0) % outputs != 0 || flat.size(1) % outputs != 0) {
            throw new IllegalArgumentException("flat kernel " + Arrays.toString(flat.shape())
                    + " is not divisible into output blocks of size " + outputs);
        }
        long n1 = flat.size(0) / outputs, n2 = flat.size(1) / outputs;
        return flat.dup('c').reshape('c', n1, outputs, n2, outputs).permute(0, 2, 1, 3).dup('c');
    }

    static void requireRank(INDArray a, int rank, String what) {
        if (a == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (a.rank() != rank) {
            throw new IllegalArgumentException("expected " + what + ", got shape " + Arrays.toString(a.shape()));
        }
    }
}
