/**
 * Kernels computed tile by tile on Apache Spark executors: {@link org.ntk4j.spark.SparkKernel} (the empirical NTK of
 * a DL4J network, or the infinite-width NTK/NNGP of a configuration) and its {@link org.ntk4j.spark.SparkKernelResult}.
 * Spark 3.5 (Scala 2.12) is a {@code provided} dependency: the cluster's own Spark is used.
 */
package org.ntk4j.spark;
