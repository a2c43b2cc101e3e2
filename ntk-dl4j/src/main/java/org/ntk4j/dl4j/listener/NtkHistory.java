package org.ntk4j.dl4j.listener;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Optional;

/**
 * What an NTK tracking listener has recorded so far: the snapshots, the spectra kept for the report, Θ0 and the latest
 * kernel. Both listeners are one: {@link NtkListener} (DL4J networks) and
 * {@link org.ntk4j.dl4j.samediff.SameDiffNtkListener} (SameDiff graphs); {@link NtkReport#write(NtkHistory,
 * java.nio.file.Path)} draws either. Every method may be called from any thread at any time, also while training
 * runs, and returns copies.
 */
public interface NtkHistory {
    /** @return an immutable copy of every snapshot so far, oldest first */
    List<NtkSnapshot> history();

    /** @return the most recent snapshot, if any */
    default Optional<NtkSnapshot> latest() {
        List<NtkSnapshot> h = history();
        return h.isEmpty() ? Optional.empty() : Optional.of(h.get(h.size() - 1));
    }

    /**
     * @return the eigenvalues of the kernels kept for the report, oldest first: the first snapshot's, the latest's and
     *         up to 62 in between (every second one is dropped when more accumulate); none for a kernel that was not
     *         finite
     */
    List<NtkSpectrum> spectra();

    /** @return a copy of Θ0 ({@code [n, n]} or {@code [n, n, o, o]}), or null before the listener started */
    INDArray initialKernel();

    /** @return a copy of the kernel of the latest snapshot, or null before the listener started */
    INDArray latestKernel();
}
