package org.ntk4j.spark.internal;

import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ntk4j.dl4j.NtkProgress;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Spark job over a list of tiles, run from the driver: broadcasts the payload and the features, submits one task
 * per group of tiles, and hands every tile to the driver's consumer as soon as its task has finished (so the driver
 * assembles while the executors compute and never holds more than one tile); the tiles of tasks whose end the
 * listener bus had not delivered yet are handed over after the job. When the job fails, the tiles that are in the
 * directory (whole, by the atomic rename) are handed over before the failure is thrown: a kernel file records them,
 * and a rerun resumes from there.
 */
public final class TileJob {
    private TileJob() {
    }

    /**
     * What the job did.
     *
     * @param reports        one per tile and attempt that reached it (reused or computed)
     * @param tasks          Spark tasks of the job
     * @param taskAttempts   attempts started
     * @param failedAttempts attempts failed or killed
     */
    public record Outcome(List<TileReport> reports, int tasks, int taskAttempts, int failedAttempts) {
    }

    /**
     * The job's inputs.
     *
     * @param jsc          the context
     * @param grid         the tiling
     * @param store        the tile directory (its {@code job.json} already written)
     * @param payload      the model zip or configuration JSON
     * @param x1           {@code .npy} bytes of x1
     * @param x2           {@code .npy} bytes of x2, or null when symmetric
     * @param tilesPerTask tiles per task, or 0 for about four tasks per core
     * @param progress     receives (tiles done, tiles in all)
     */
    public record Spec(JavaSparkContext jsc, TileGrid grid, TileStore store, byte[] payload, byte[] x1, byte[] x2,
                       int tilesPerTask, NtkProgress progress) {
    }

    /**
     * @param spec        the job
     * @param computer    what the executors compute
     * @param todo        the tiles to compute, in the grid's order (not empty)
     * @param alreadyDone tiles of the kernel that are not in {@code todo} (for progress)
     * @param arrived     takes each tile of {@code todo} once, on this thread, after its task has finished
     * @param <P>         the computer's prepared object
     * @return what the job did
     */
    public static <P> Outcome run(Spec spec, TileComputer<P> computer, List<TileGrid.Tile> todo, long alreadyDone,
                                  Consumer<TileGrid.Tile> arrived) {
        JavaSparkContext jsc = spec.jsc();
        int perTask = spec.tilesPerTask() > 0 ? spec.tilesPerTask()
                : (int) Math.max(1, -Math.floorDiv(-(long) todo.size(), 4L * jsc.defaultParallelism()));
        List<List<TileGrid.Tile>> groups = TileGrid.groups(todo, perTask);
        int[] sizes = groups.stream().mapToInt(List::size).toArray();
        String jobId = UUID.randomUUID().toString();
        TileListener listener = new TileListener(jobId, sizes, alreadyDone, spec.progress());
        Broadcast<byte[]> bp = jsc.broadcast(spec.payload()), b1 = jsc.broadcast(spec.x1());
        Broadcast<byte[]> b2 = spec.x2() == null ? null : jsc.broadcast(spec.x2());
        jsc.sc().addSparkListener(listener);
        Set<TileGrid.Tile> taken = new HashSet<>();
        JavaFutureAction<List<TileReport>> job = null;
        try {
            jsc.setLocalProperty(TileListener.PROPERTY, jobId);
            jsc.setJobDescription("ntk4j " + computer.describe() + " " + spec.grid().n1() + " x " + spec.grid().n2()
                    + ", " + sizes.length + " tasks");
            job = jsc.parallelize(groups, groups.size())
                    .mapPartitions(new TileTask<>(jobId, spec.grid(), computer, spec.store(), bp, b1, b2))
                    .collectAsync();
            while (!job.isDone() || !listener.finished().isEmpty()) {
                Integer part = listener.finished().poll(100, TimeUnit.MILLISECONDS);
                if (part != null) {
                    take(groups.get(part), taken, arrived);
                }
            }
            List<TileReport> reports = job.get();
            take(todo, taken, arrived);
            listener.awaitEnd(30);
            return new Outcome(reports, sizes.length, listener.attempts(), listener.failedAttempts());
        } catch (ExecutionException e) {
            // whole tiles of the failed job's other tasks are in the directory: the consumer takes them too (a kernel
            // file records them, so that a rerun resumes from every tile that was computed)
            RuntimeException failure = unwrap(e.getCause() == null ? e : e.getCause());
            try {
                Set<String> present = new HashSet<>(spec.store().list());
                take(todo.stream().filter(t -> present.contains(t.fileName())).toList(), taken, arrived);
            } catch (RuntimeException also) {
                failure.addSuppressed(also);
            }
            throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Spark job", e);
        } finally {
            if (job != null && !job.isDone()) {
                job.cancel(true); // the driver refused a tile: stop the executors
            }
            jsc.setLocalProperty(TileListener.PROPERTY, null);
            jsc.setJobDescription(null);
            jsc.sc().removeSparkListener(listener);
            bp.destroy();
            b1.destroy();
            if (b2 != null) {
                b2.destroy();
            }
        }
    }

    private static void take(List<TileGrid.Tile> tiles, Set<TileGrid.Tile> taken, Consumer<TileGrid.Tile> arrived) {
        for (TileGrid.Tile t : new ArrayList<>(tiles)) {
            if (taken.add(t)) {
                arrived.accept(t);
            }
        }
    }

    /**
     * A task that refused its input (a wrong shape, NaN, an unsupported layer) fails every attempt the same way: its
     * one-line message is the job's, not Spark's wrapper with the executor's stack trace.
     */
    static RuntimeException unwrap(Throwable e) {
        if (e instanceof IllegalArgumentException iae) {
            return iae;
        }
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof IllegalArgumentException iae) {
                return new IllegalArgumentException(iae.getMessage(), e);
            }
        }
        if (e instanceof RuntimeException re && !(e instanceof SparkException)) {
            return re;
        }
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return new IllegalStateException("the Spark job failed: " + msg, e);
    }
}
