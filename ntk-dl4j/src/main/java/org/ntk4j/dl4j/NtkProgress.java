package org.ntk4j.dl4j;

/** Receives progress of a long kernel computation, in kernel tiles. Called on the computing thread. */
@FunctionalInterface
public interface NtkProgress {
    /**
     * @param done  tiles finished
     * @param total tiles in all
     */
    void update(long done, long total);

    /** Ignores progress. */
    NtkProgress NONE = (d, t) -> { };
}
