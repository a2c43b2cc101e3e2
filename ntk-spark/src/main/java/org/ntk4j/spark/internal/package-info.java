/**
 * Internals of the Spark tile jobs (not public API): the tiling, the executors' task and cache, the atomic tile
 * directory with its {@code job.json} index, the job preparation ({@code TileWork}) and run ({@code TileJob}), the
 * driver's listener, and the sinks that take the tiles as tasks finish (in memory, or an out-of-core {@code KernelFile}).
 */
package org.ntk4j.spark.internal;
