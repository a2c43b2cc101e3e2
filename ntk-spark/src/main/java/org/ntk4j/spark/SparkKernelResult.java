package org.ntk4j.spark;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

/**
 * A kernel computed on Spark, with what the job did.
 *
 * @param kernel         the kernel assembled in memory: {@code [n1, n2]} (TRACE, analytic) or {@code [n1, n2, o, o]}
 *                       (FULL); null when it was written to a file
 * @param file           the completed out-of-core kernel file ({@code ...ToFile} methods), or null
 * @param tiles          tiles of the kernel (a symmetric kernel's upper triangle only)
 * @param reusedTiles    tiles found already in the tile directory (an earlier run of the same job, or a failed task's
 *                       attempt that got that far) and kept instead of recomputed
 * @param resumedTiles   tiles the kernel file already recorded (an interrupted earlier run): neither computed nor
 *                       shipped again; 0 for a kernel in memory
 * @param tasks          Spark tasks of the job (one per group of tiles; 0 when the file held every tile)
 * @param taskAttempts   task attempts Spark started (more than {@code tasks} when attempts were retried)
 * @param failedAttempts task attempts that failed or were killed
 * @param seconds        wall-clock seconds from preparing the job to the assembled kernel or completed file
 * @param tileSeconds    mean compute seconds per computed tile on the executors (0 when no tile was computed)
 * @param tileDirectory  where the tiles are (deleted at the end when it was a temporary directory)
 */
public record SparkKernelResult(INDArray kernel, Path file, long tiles, long reusedTiles, long resumedTiles, int tasks,
                                int taskAttempts, int failedAttempts, double seconds, double tileSeconds,
                                String tileDirectory) {
}
