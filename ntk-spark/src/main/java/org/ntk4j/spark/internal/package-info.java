/**
 * Internals of the Spark tile jobs (not public API): the tiling, the executors' task and cache, the atomic tile
 * directory with its {@code job.json} index, the driver's listener and assembler.
 */
package org.ntk4j.spark.internal;
