package org.ntk4j.dl4j.listener;

import java.util.Arrays;

/**
 * The eigenvalues of one snapshot's kernel matrix, as a listener keeps them for the spectrum plot of its report
 * ({@link NtkReport}). Immutable: the array is copied in and out.
 *
 * @param iteration   the iteration of the snapshot (see {@link NtkSnapshot#iteration()})
 * @param eigenvalues {@code [N]}, largest first: the eigenvalues of the TRACE kernel ({@code N = n}) or of the flat
 *                    FULL kernel ({@code N = n·o})
 */
public record NtkSpectrum(long iteration, double[] eigenvalues) {
    /**
     * Validates and copies.
     *
     * @param iteration   the iteration of the snapshot, &ge; 0
     * @param eigenvalues at least one, largest first
     */
    public NtkSpectrum {
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must be >= 0 (got: " + iteration + ")");
        }
        if (eigenvalues == null || eigenvalues.length == 0) {
            throw new IllegalArgumentException("eigenvalues must not be null or empty (got: "
                    + (eigenvalues == null ? "null" : "none") + ")");
        }
        eigenvalues = eigenvalues.clone();
    }

    /** @return a copy of the eigenvalues, largest first */
    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** @return the number of eigenvalues (the size of the kernel matrix) */
    public int size() {
        return eigenvalues.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NtkSpectrum s && s.iteration == iteration && Arrays.equals(s.eigenvalues, eigenvalues);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(iteration) + Arrays.hashCode(eigenvalues);
    }

    @Override
    public String toString() {
        return "NtkSpectrum[iteration=" + iteration + ", " + eigenvalues.length + " eigenvalues, largest "
                + eigenvalues[0] + "]";
    }
}
