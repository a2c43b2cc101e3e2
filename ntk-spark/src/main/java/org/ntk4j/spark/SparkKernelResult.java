package org.ntk4j.spark;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A kernel computed on Spark, with what the job did.
 *
 * @param kernel         the assembled kernel: {@code [n1, n2]} (TRACE, analytic) or {@code [n1, n2, o, o]} (FULL)
 * @param tiles          tiles of the job (a symmetric kernel's upper triangle only)
 * @param reusedTiles    tiles found already written (an earlier run of the same job, or a failed task's attempt that
 *                       got that far) and kept instead of recomputed
 * @param tasks          Spark tasks of the job (one per group of tiles)
 * @param taskAttempts   task attempts Spark started (more than {@code tasks} when attempts were retried)
 * @param failedAttempts task attempts that failed or were killed
 * @param seconds        wall-clock seconds from submitting the job to the assembled kernel
 * @param tileSeconds    mean compute seconds per computed tile on the executors (0 when every tile was reused)
 * @param tileDirectory  where the tiles are (deleted after assembly when it was a temporary directory)
 */
public record SparkKernelResult(INDArray kernel, long tiles, long reusedTiles, int tasks, int taskAttempts,
                                int failedAttempts, double seconds, double tileSeconds, String tileDirectory) {
}
