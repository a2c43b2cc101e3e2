package org.ntk4j.dl4j.listener.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.listener.NtkSink;
import org.ntk4j.dl4j.listener.NtkSnapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Feeding and closing the sinks of an NTK listener, with the listener's name in the error messages. Not API. */
public final class SinkCalls {
    private SinkCalls() {
    }

    /**
     * Gives a snapshot and its kernel to every sink, in order; stops at the first that fails.
     *
     * @param sinks     the sinks
     * @param listener  the listener's class name, e.g. {@code "NtkListener"}
     * @param iteration the snapshot's iteration, for the message
     * @param snapshot  the snapshot
     * @param kernel    its kernel
     * @throws UncheckedIOException {@code "<listener> sink failed at iteration <i>: <cause>"}
     */
    public static void deliver(List<NtkSink> sinks, String listener, long iteration, NtkSnapshot snapshot,
                               INDArray kernel) {
        for (NtkSink sink : sinks) {
            try {
                sink.accept(snapshot, kernel);
            } catch (IOException e) {
                throw new UncheckedIOException(listener + " sink failed at iteration " + iteration + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * Closes every sink, also after one fails.
     *
     * @param sinks    the sinks
     * @param listener the listener with its article, e.g. {@code "an NtkListener"}
     * @throws UncheckedIOException {@code "closing <listener> sink failed: <first cause>"}
     */
    public static void closeAll(List<NtkSink> sinks, String listener) {
        IOException first = null;
        for (NtkSink s : sinks) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw new UncheckedIOException("closing " + listener + " sink failed: " + first.getMessage(), first);
        }
    }
}
