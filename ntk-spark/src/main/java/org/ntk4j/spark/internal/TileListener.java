package org.ntk4j.spark.internal;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.ntk4j.dl4j.NtkProgress;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Driver-side progress of one tile job, from Spark's listener bus: the job is recognised by a local property set on
 * the submitting thread, its tasks by their stage; a task that ends successfully adds its group's tiles, and its
 * partition is queued for the driver to assemble ({@link #finished()}).
 */
public final class TileListener extends SparkListener {
    /** The local property that marks a tile job. */
    public static final String PROPERTY = "ntk4j.tile.job";

    private final String jobId;
    private final int[] tilesPerPartition;
    private final long totalTiles;
    private final NtkProgress progress;
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private final Set<Integer> finishedPartitions = ConcurrentHashMap.newKeySet();
    private final Set<Integer> sparkJobs = ConcurrentHashMap.newKeySet();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong done = new AtomicLong();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final BlockingQueue<Integer> finishedQueue = new LinkedBlockingQueue<>();
    private final long alreadyDone;

    /**
     * @param jobId             the value of {@link #PROPERTY} of this job
     * @param tilesPerPartition tiles in each task's group
     * @param alreadyDone       tiles of the kernel that no task computes (a resumed kernel file)
     * @param progress          receives (tiles done, tiles in all)
     */
    public TileListener(String jobId, int[] tilesPerPartition, long alreadyDone, NtkProgress progress) {
        this.jobId = jobId;
        this.tilesPerPartition = tilesPerPartition.clone();
        long t = alreadyDone;
        for (int n : tilesPerPartition) {
            t += n;
        }
        this.totalTiles = t;
        this.alreadyDone = alreadyDone;
        this.progress = progress;
    }

    @Override
    public void onJobStart(SparkListenerJobStart e) {
        Properties p = e.properties();
        if (p != null && jobId.equals(p.getProperty(PROPERTY))) {
            sparkJobs.add(e.jobId());
            scala.collection.Iterator<Object> it = e.stageIds().iterator();
            while (it.hasNext()) {
                stages.add((Integer) it.next());
            }
        }
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
        if (stages.contains(e.stageId())) {
            attempts.incrementAndGet();
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        if (!stages.contains(e.stageId())) {
            return;
        }
        if (e.taskInfo().successful()) {
            int part = e.taskInfo().index();
            if (finishedPartitions.add(part)) {
                finishedQueue.add(part);
                progress.update(alreadyDone + done.addAndGet(tilesPerPartition[part]), totalTiles);
            }
        } else {
            failed.incrementAndGet();
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd e) {
        if (sparkJobs.contains(e.jobId())) {
            ended.countDown();
        }
    }

    /**
     * Waits (boundedly) until the listener bus has delivered the end of the job, so that the counts are complete.
     *
     * @param seconds the longest wait
     * @return true when the job's end was seen
     */
    public boolean awaitEnd(long seconds) {
        try {
            return ended.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * @return the partitions whose task has finished successfully, each once, in the order they finished (their
     * tiles are all in the directory); the listener bus may deliver the last ones after the job has returned
     */
    public BlockingQueue<Integer> finished() {
        return finishedQueue;
    }

    /** @return task attempts started (retries and speculative copies included) */
    public int attempts() {
        return attempts.get();
    }

    /** @return task attempts that failed or were killed */
    public int failedAttempts() {
        return failed.get();
    }
}
