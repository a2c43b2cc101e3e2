package org.ntk4j.spark.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ReadOptions;

import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * What an executor JVM keeps between the tasks of one job: the features parsed once (read-only, shared by the
 * task threads), and the prepared networks in a pool (one per concurrently running task, restored once, reused by
 * the next task). Entries of an earlier job are dropped when a new job's first task arrives.
 */
public final class ExecutorCache {
    private static final Object LOCK = new Object();
    private static String job;
    private static final Map<Long, INDArray> FEATURES = new ConcurrentHashMap<>();
    private static final Map<Long, ConcurrentLinkedQueue<Object>> POOLS = new ConcurrentHashMap<>();

    private ExecutorCache() {
    }

    private static void forJob(String id) {
        synchronized (LOCK) {
            if (!id.equals(job)) {
                FEATURES.clear();
                POOLS.clear();
                job = id;
            }
        }
    }

    /**
     * @param jobId       the job
     * @param broadcastId the broadcast that holds the {@code .npy} bytes
     * @param npy         the bytes (read only on the first call)
     * @return the features
     */
    public static INDArray features(String jobId, long broadcastId, Supplier<byte[]> npy) {
        forJob(jobId);
        return FEATURES.computeIfAbsent(broadcastId, k -> {
            byte[] b = npy.get();
            return ArrayFiles.readNpy(new ByteArrayInputStream(b), "broadcast features", b.length, ReadOptions.defaults());
        });
    }

    /**
     * @param jobId       the job
     * @param broadcastId the broadcast of the payload
     * @param create      builds a new prepared object when the pool is empty
     * @return a prepared object owned by the caller until {@link #release}
     */
    public static Object acquire(String jobId, long broadcastId, Supplier<Object> create) {
        forJob(jobId);
        Object p = POOLS.computeIfAbsent(broadcastId, k -> new ConcurrentLinkedQueue<>()).poll();
        return p != null ? p : create.get();
    }

    /**
     * @param jobId       the job
     * @param broadcastId the broadcast of the payload
     * @param prepared    the object to return to the pool
     */
    public static void release(String jobId, long broadcastId, Object prepared) {
        synchronized (LOCK) {
            if (jobId.equals(job)) {
                POOLS.computeIfAbsent(broadcastId, k -> new ConcurrentLinkedQueue<>()).add(prepared);
            }
        }
    }
}
