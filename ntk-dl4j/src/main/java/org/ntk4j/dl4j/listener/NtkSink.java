package org.ntk4j.dl4j.listener;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;

/**
 * Receives every snapshot of an {@link NtkListener} (or of the SameDiff listener
 * {@link org.ntk4j.dl4j.samediff.SameDiffNtkListener}), on the training thread, right after it is taken.
 * Ready-made sinks are in {@link NtkSinks}.
 *
 * <p>The contract every sink keeps (checked for the ready-made ones by one contract test): {@code accept} neither
 * modifies nor keeps the kernel; nothing is written before the first snapshot; {@code close} may be called at any
 * time and more than once; after {@code close} the sink accepts snapshots again (file sinks append to what they
 * wrote); a failure to write is an {@link IOException}.
 */
@FunctionalInterface
public interface NtkSink extends AutoCloseable {
    /**
     * @param snapshot the snapshot
     * @param kernel   the kernel it summarises: {@code [n, n]} (TRACE) or {@code [n, n, o, o]} (FULL). Read it during
     *                 the call only; do not modify or keep it (copy with {@code dup()} to keep it)
     * @throws IOException when writing fails; the listener rethrows it as an {@link java.io.UncheckedIOException}
     */
    void accept(NtkSnapshot snapshot, INDArray kernel) throws IOException;

    /**
     * Flushes and releases resources; called by {@link NtkListener#close()} (and
     * {@link org.ntk4j.dl4j.samediff.SameDiffNtkListener#close()}). Default: nothing.
     *
     * @throws IOException when flushing fails
     */
    @Override
    default void close() throws IOException {
    }
}
