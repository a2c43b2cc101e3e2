package org.ntk4j.examples.cli;

import picocli.CommandLine.Option;

/**
 * {@code ntk kernel --spark MASTER}: the kernel's tiles computed on Apache Spark. This class names no Spark type, so
 * that a class path without Spark gets one clear line instead of a {@code NoClassDefFoundError}.
 */
public final class SparkOptions {
    @Option(names = "--spark", paramLabel = "MASTER", description = "compute the kernel's tiles on Apache Spark: "
            + "local[K], local[K,F] (F tries per task), spark://host:7077, yarn, ... (./ntk puts Spark on the class path)")
    String master;

    @Option(names = "--spark-dir", paramLabel = "DIR", description = "with --spark: the tile directory, a path or URI "
            + "(hdfs://...) that the driver and every executor reach; kept, and a rerun resumes from it (default: a "
            + "temporary directory, local masters only)")
    String directory;

    @Option(names = "--tiles-per-task", paramLabel = "K", description = "with --spark: tiles per Spark task (default: "
            + "about four tasks per core)")
    Integer tilesPerTask;

    /** @return true when {@code --spark} was given */
    boolean enabled() {
        return master != null;
    }

    /**
     * @param command the kernel command whose other options apply
     * @return the exit code
     */
    int run(KernelCommand command) {
        if (master.isBlank()) {
            throw new IllegalArgumentException("--spark needs a master URL such as local[2] or spark://host:7077 (got: '"
                    + master + "')");
        }
        try {
            Class.forName("org.apache.spark.SparkConf", false, SparkOptions.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("--spark needs Apache Spark 3.5 (Scala 2.12) on the class path: run "
                    + "through ./ntk, which adds it, or with spark-submit --class org.ntk4j.examples.NtkCli ntk.jar "
                    + "kernel ... (see docs/scale.md)");
        }
        return SparkKernelRunner.run(command, this);
    }
}
