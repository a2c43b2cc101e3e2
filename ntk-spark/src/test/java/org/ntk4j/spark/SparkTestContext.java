package org.ntk4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** The tests' in-process Spark: local mode, two task threads, loopback only, no UI, a long heartbeat timeout. */
final class SparkTestContext {
    private SparkTestContext() {
    }

    /**
     * @param master e.g. {@code local[2,2]}: two threads, a failed task tried twice
     * @return a new context (the caller stops it)
     */
    static JavaSparkContext start(String master) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("ntk4j-test")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                // a starved test JVM (a shared machine, nice 19) must not lose its in-process executor to the
                // heartbeat timeout (120 s by default), which leaves the context unusable
                .set("spark.network.timeout", "600s")
                .set("spark.executor.heartbeatInterval", "20s");
        return new JavaSparkContext(conf);
    }
}
