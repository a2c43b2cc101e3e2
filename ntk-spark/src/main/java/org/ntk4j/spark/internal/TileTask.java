package org.ntk4j.spark.internal;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.io.ArrayFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One Spark task: computes its group of tiles and writes each one atomically to the tile directory. Tiles already
 * there (from an earlier attempt of this task, or an earlier run of the same job) are kept, not recomputed.
 * Consecutive tiles of one block row are computed together (the row block's factors once), the diagonal tile of a
 * symmetric kernel on its own (symmetric by construction).
 *
 * @param <P> the computer's prepared object
 */
public final class TileTask<P> implements FlatMapFunction<Iterator<List<TileGrid.Tile>>, TileReport> {
    private static final long serialVersionUID = 1L;

    private final String jobId;
    private final TileGrid grid;
    private final TileComputer<P> computer;
    private final TileStore store;
    private final Broadcast<byte[]> payload;
    private final Broadcast<byte[]> x1;
    private final Broadcast<byte[]> x2;

    /**
     * @param jobId    the job's id (the executor cache is per job)
     * @param grid     the tiling
     * @param computer what computes a rectangle
     * @param store    where tiles go
     * @param payload  the broadcast model zip or configuration
     * @param x1       the broadcast {@code .npy} bytes of x1
     * @param x2       the broadcast {@code .npy} bytes of x2, or null when symmetric
     */
    public TileTask(String jobId, TileGrid grid, TileComputer<P> computer, TileStore store, Broadcast<byte[]> payload,
                    Broadcast<byte[]> x1, Broadcast<byte[]> x2) {
        this.jobId = jobId;
        this.grid = grid;
        this.computer = computer;
        this.store = store;
        this.payload = payload;
        this.x1 = x1;
        this.x2 = x2;
    }

    @Override
    public Iterator<TileReport> call(Iterator<List<TileGrid.Tile>> groups) {
        TaskContext ctx = TaskContext.get();
        int attempt = ctx == null ? 0 : ctx.attemptNumber();
        INDArray a = ExecutorCache.features(jobId, x1.id(), x1::value);
        INDArray b = x2 == null ? a : ExecutorCache.features(jobId, x2.id(), x2::value);
        List<TileReport> reports = new ArrayList<>();
        List<TileGrid.Tile> run = new ArrayList<>();
        @SuppressWarnings("unchecked")
        P prepared = (P) ExecutorCache.acquire(jobId, payload.id(), () -> computer.prepare(payload.value()));
        try {
            while (groups.hasNext()) {
                for (TileGrid.Tile t : groups.next()) {
                    if (store.exists(t.fileName())) {
                        flush(run, prepared, a, b, attempt, reports);
                        reports.add(new TileReport(t.i(), t.j(), true, 0, attempt));
                    } else if (t.diagonal(grid.symmetric())) {
                        flush(run, prepared, a, b, attempt, reports);
                        run.add(t);
                        flush(run, prepared, a, b, attempt, reports);
                    } else {
                        if (!run.isEmpty() && (run.get(0).i() != t.i() || run.get(run.size() - 1).j() + 1 != t.j())) {
                            flush(run, prepared, a, b, attempt, reports);
                        }
                        run.add(t);
                    }
                }
            }
            flush(run, prepared, a, b, attempt, reports);
        } finally {
            ExecutorCache.release(jobId, payload.id(), prepared);
        }
        return reports.iterator();
    }

    /** Computes a run of tiles of one block row (or one diagonal tile) and writes each tile. */
    private void flush(List<TileGrid.Tile> run, P prepared, INDArray a, INDArray b, int attempt,
                       List<TileReport> reports) {
        if (run.isEmpty()) {
            return;
        }
        TileGrid.Tile first = run.get(0), last = run.get(run.size() - 1);
        boolean diag = run.size() == 1 && first.diagonal(grid.symmetric());
        long t0 = System.nanoTime();
        INDArray rows = a.get(NDArrayIndex.interval(first.r0(), first.r1())).dup();
        INDArray rect = computer.compute(prepared, rows,
                diag ? null : b.get(NDArrayIndex.interval(first.c0(), last.c1())).dup());
        double seconds = (System.nanoTime() - t0) / 1e9 / run.size();
        for (TileGrid.Tile t : run) {
            INDArrayIndex[] idx = new INDArrayIndex[rect.rank()];
            idx[0] = NDArrayIndex.all();
            idx[1] = NDArrayIndex.interval(t.c0() - first.c0(), t.c1() - first.c0());
            for (int d = 2; d < idx.length; d++) {
                idx[d] = NDArrayIndex.all();
            }
            store.writeAtomically(t.fileName(), npy(rect.get(idx)));
            reports.add(new TileReport(t.i(), t.j(), false, seconds, attempt));
        }
        run.clear();
    }

    private static byte[] npy(INDArray tile) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ArrayFiles.writeNpy(tile.dup('c'), out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
