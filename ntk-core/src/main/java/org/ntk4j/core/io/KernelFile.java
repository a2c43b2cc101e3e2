package org.ntk4j.core.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.internal.KernelLedger;
import org.ntk4j.core.io.internal.KernelFileOpener;
import org.ntk4j.core.io.internal.TileBytes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A kernel written to a {@code .npy} file tile by tile, for kernels that do not fit in memory; resumable after an
 * interruption. The format is in docs/file-formats.md ("Out-of-core kernel files").
 *
 * <pre>{@code
 * KernelFileSpec spec = new KernelFileSpec(n, n, 1, DataType.FLOAT, 512, true, fingerprint);
 * try (KernelFile f = KernelFile.openOrResume(Path.of("k.npy"), spec)) {   // new, or continues k.npy.partial
 *     for (long i = 0; i < spec.rowBlocks(); i++)
 *         for (long j = i; j < spec.colBlocks(); j++)
 *             if (!f.isDone(i, j)) f.writeTile(i, j, tile(i, j));          // [rows·m, cols·m]; mirrored below
 *     f.finish();                                                          // k.npy.partial -> k.npy, ledger removed
 * }
 * }</pre>
 *
 * <p>While it is written the array lives in {@code NAME.partial} (a complete-size {@code .npy}: header, then
 * {@code rows·m × cols·m} elements, sparse until written) and the finished tiles are recorded, each with the CRC-32 of
 * its bytes, in {@code NAME.ledger}. Records are appended at checkpoints (every 512 MiB written, and on
 * {@link #checkpoint()}, {@link #close()} and {@link #finish()}), after the data they describe have been forced to
 * disk: a tile in the ledger is on disk, a tile being written when the process stopped is simply computed again.
 * {@link #finish()} renames {@code NAME.partial} to {@code NAME} (atomically where the file system can) and deletes the
 * ledger; readers of {@code NAME} never see a partial kernel.
 *
 * <p>{@link #openOrResume} continues a partial file only when its ledger describes the same kernel (shape,
 * entries per example, type, block, symmetry and fingerprint), the partial file's header and size are those of that
 * kernel, and every recorded tile's bytes still have the recorded CRC-32; anything else (a foreign or damaged file, a
 * partial file without its ledger) is refused with an {@link ArrayFormatException} that names the file, and nothing
 * is overwritten. Writes are positional {@link FileChannel} writes with {@code long} offsets, so files over 2 GB are
 * written like small ones, and the file's pages are not mapped into the process (they do not count in its resident
 * memory). Memory held: two tile buffers. Methods are synchronized.
 */
public final class KernelFile implements AutoCloseable {
    private static final long CHECKPOINT_BYTES = 512L << 20;

    private final Path target;
    private final Path partial;
    private final Path ledgerPath;
    private final KernelFileSpec spec;
    private final long dataOffset;
    private final int item;
    private final long rowStride;
    private final FileChannel data;
    private final FileChannel ledger;
    private final Map<Long, Integer> recorded;
    private final Map<Long, Integer> pending = new HashMap<>();
    private final Map<Long, INDArray> scratch = new HashMap<>();
    private final long resumed;
    private long unforcedBytes;
    private boolean open = true;

    private KernelFile(Path target, KernelFileSpec spec, long dataOffset, FileChannel data, FileChannel ledger,
                       Map<Long, Integer> recorded) {
        this.target = target;
        this.partial = partialPath(target);
        this.ledgerPath = ledgerPath(target);
        this.spec = spec;
        this.dataOffset = dataOffset;
        this.item = spec.dataType() == DataType.FLOAT ? 4 : 8;
        this.rowStride = spec.cols() * spec.entriesPerExample() * item;
        this.data = data;
        this.ledger = ledger;
        this.recorded = recorded;
        this.resumed = recorded.size();
    }

    /** @return {@code NAME.partial}, where the kernel is written until {@link #finish()} */
    public static Path partialPath(Path target) {
        return target.resolveSibling(target.getFileName() + ".partial");
    }

    /** @return {@code NAME.ledger}, the record of finished tiles */
    public static Path ledgerPath(Path target) {
        return target.resolveSibling(target.getFileName() + ".ledger");
    }

    /**
     * Starts a kernel file, or continues the partial one a previous run left for the same kernel.
     *
     * @param target the final {@code .npy} path (replaced by {@link #finish()} when it exists)
     * @param spec   the kernel
     * @return the open file
     * @throws ArrayFormatException when a partial file or ledger is in the way and does not belong to this kernel,
     *                              is damaged, or cannot be read or written
     */
    public static KernelFile openOrResume(Path target, KernelFileSpec spec) {
        KernelFileOpener.Opened o = KernelFileOpener.open(target, partialPath(target), ledgerPath(target), spec);
        return new KernelFile(target, spec, o.dataOffset(), o.data(), o.ledger(), o.recorded());
    }

    /** @return the kernel this file holds */
    public KernelFileSpec spec() {
        return spec;
    }

    /** @return the final path */
    public Path target() {
        return target;
    }

    /** @return tiles that were already finished when the file was opened (a resumed run) */
    public long resumedTiles() {
        return resumed;
    }

    /** @return tiles written so far, resumed ones included */
    public synchronized long tilesDone() {
        return recorded.size() + pending.size();
    }

    /**
     * @param bi row block
     * @param bj column block
     * @return whether tile {@code (bi, bj)} is written (recorded or waiting for the next checkpoint)
     */
    public synchronized boolean isDone(long bi, long bj) {
        long key = key(bi, bj);
        return recorded.containsKey(key) || pending.containsKey(key);
    }

    /**
     * Writes one tile (and, for a symmetric kernel off the diagonal, its transpose below the diagonal). A tile written
     * twice is overwritten (e.g. a retried task).
     *
     * @param bi   row block, {@code 0 ≤ bi < rowBlocks}
     * @param bj   column block ({@code ≥ bi} for a symmetric kernel)
     * @param tile the kernel of rows {@code [bi·block, …)} and columns {@code [bj·block, …)}: {@code [rows·m, cols·m]},
     *             any type (cast to the file's), any order
     * @throws IllegalArgumentException when the tile is outside the grid or has the wrong shape
     * @throws ArrayFormatException     on a write error
     */
    public synchronized void writeTile(long bi, long bj, INDArray tile) {
        checkOpen();
        long r0 = bi * spec.block(), c0 = bj * spec.block();
        if (bi < 0 || bj < 0 || bi >= spec.rowBlocks() || bj >= spec.colBlocks() || (spec.symmetric() && bj < bi)) {
            throw new IllegalArgumentException("tile (" + bi + ", " + bj + ") is not in the grid of " + spec.rowBlocks()
                    + " x " + spec.colBlocks() + " blocks" + (spec.symmetric() ? " (symmetric: column >= row)" : ""));
        }
        int m = spec.entriesPerExample();
        long rows = (Math.min(spec.rows(), r0 + spec.block()) - r0) * m;
        long cols = (Math.min(spec.cols(), c0 + spec.block()) - c0) * m;
        if (tile.rank() != 2 || tile.size(0) != rows || tile.size(1) != cols) {
            throw new IllegalArgumentException("tile (" + bi + ", " + bj + ") must be [" + rows + ", " + cols + "] (got: "
                    + Arrays.toString(tile.shape()) + ")");
        }
        CRC32 crc = new CRC32();
        try {
            INDArray s = buffer(rows, cols);
            s.assign(tile);
            TileBytes.write(data, s, dataOffset + (r0 * m * rowStride) + c0 * m * item, rowStride, crc);
            if (spec.symmetric() && bi != bj) {
                INDArray t = buffer(cols, rows);
                t.assign(tile.transpose());
                TileBytes.write(data, t, dataOffset + (c0 * m * rowStride) + r0 * m * item, rowStride, crc);
            }
        } catch (IOException e) {
            throw new ArrayFormatException(partial.toString(), "cannot write: " + e, e);
        }
        long key = key(bi, bj);
        recorded.remove(key);
        pending.put(key, (int) crc.getValue());
        unforcedBytes += rows * cols * item * (spec.symmetric() && bi != bj ? 2 : 1);
        if (unforcedBytes >= CHECKPOINT_BYTES) {
            checkpoint();
        }
    }

    /**
     * Forces the data written so far to disk, then records their tiles in the ledger (and forces it).
     *
     * @throws ArrayFormatException on a write error
     */
    public synchronized void checkpoint() {
        checkOpen();
        if (pending.isEmpty()) {
            return;
        }
        try {
            data.force(false);
            ByteArrayOutputStream out = new ByteArrayOutputStream(pending.size() * 24);
            for (Map.Entry<Long, Integer> e : pending.entrySet()) {
                out.write(KernelLedger.tile(e.getKey() / spec.colBlocks(), e.getKey() % spec.colBlocks(), e.getValue()));
            }
            KernelFileOpener.writeFully(ledger, ByteBuffer.wrap(out.toByteArray()));
            ledger.force(false);
        } catch (IOException e) {
            throw new ArrayFormatException(ledgerPath.toString(), "cannot write: " + e, e);
        }
        recorded.putAll(pending);
        pending.clear();
        unforcedBytes = 0;
    }

    /**
     * Completes the file: every tile must be written. Forces it, renames {@code NAME.partial} to {@code NAME} and
     * deletes the ledger.
     *
     * @return the final path
     * @throws IllegalStateException when tiles are missing (the file stays partial)
     * @throws ArrayFormatException  on a write error
     */
    public synchronized Path finish() {
        checkOpen();
        long missing = spec.tiles() - tilesDone();
        if (missing > 0) {
            throw new IllegalStateException(missing + " of " + spec.tiles() + " tiles of " + target
                    + " are not written yet");
        }
        checkpoint();
        try {
            data.force(true);
            closeChannels();
            try {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.delete(ledgerPath);
        } catch (IOException e) {
            throw new ArrayFormatException(target.toString(), "cannot complete: " + e, e);
        }
        return target;
    }

    /** Records what is written (a checkpoint) and closes; an unfinished file stays as {@code NAME.partial}. */
    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        try {
            checkpoint();
        } finally {
            try {
                closeChannels();
            } catch (IOException e) {
                throw new ArrayFormatException(partial.toString(), "cannot close: " + e, e);
            }
        }
    }

    private void closeChannels() throws IOException {
        open = false;
        scratch.clear();
        try {
            data.close();
        } finally {
            if (ledger != null) {
                ledger.close();
            }
        }
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("kernel file " + target + " is closed");
        }
    }

    private INDArray buffer(long rows, long cols) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("kernel files are written on little-endian machines only");
        }
        return scratch.computeIfAbsent(rows << 32 | cols,
                k -> Nd4j.createUninitialized(spec.dataType(), new long[]{rows, cols}, 'c'));
    }

    private long key(long bi, long bj) {
        return bi * spec.colBlocks() + bj;
    }
}
