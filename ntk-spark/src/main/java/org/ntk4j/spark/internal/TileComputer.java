package org.ntk4j.spark.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;

/**
 * What an executor computes for a rectangle of the kernel: {@code k(a, b)} from a prepared object (a restored
 * network, a parsed configuration) that is built once per task slot from the broadcast payload.
 *
 * @param <P> the prepared object (not serialized: built on the executor)
 */
public interface TileComputer<P> extends Serializable {
    /**
     * @param payload the broadcast bytes (a ModelSerializer zip, a configuration JSON)
     * @return the prepared object; one per concurrently running task, never shared between threads
     */
    P prepare(byte[] payload);

    /**
     * @param prepared what {@link #prepare} returned
     * @param a        rows {@code [r, ...]} of x1
     * @param b        rows {@code [c, ...]} of x2, or null for the symmetric {@code k(a, a)}
     * @return the rectangle {@code [r, c]} (TRACE) or {@code [r, c, o, o]} (FULL)
     */
    INDArray compute(P prepared, INDArray a, INDArray b);

    /** @return a stable one-line description of the kernel (written to the job's index, compared on resume) */
    String describe();
}
