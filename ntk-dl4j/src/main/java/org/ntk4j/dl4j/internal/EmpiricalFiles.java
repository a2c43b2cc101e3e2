package org.ntk4j.dl4j.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.internal.FileSink;
import org.ntk4j.core.kernel.internal.TileScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/** Runs a kernel's tiles into a {@link KernelFile}, within a memory budget that bounds the tiles' work only. */
public final class EmpiricalFiles {
    private static final Logger log = LoggerFactory.getLogger(EmpiricalFiles.class);

    private EmpiricalFiles() {
    }

    /**
     * @param grid       the tiles
     * @param computer   computes them
     * @param noCache    true when the computer keeps no factors between tiles (the dense chain)
     * @param spec       the file
     * @param out        the final path
     * @param type       the computation's type
     * @param tileBytes  bytes of one tile's work (both sides' factors and temporaries)
     * @param perExample bytes of one example's factors (for the second-side cache)
     * @param budget     the memory budget
     * @param what       what is computed, for messages
     * @param progress   progress receiver
     * @return what was written
     */
    public static KernelFileResult write(TileScheduler.Grid grid, TileScheduler.TileComputer<?> computer,
                                         boolean noCache, KernelFileSpec spec, Path out, DataType type, long tileBytes,
                                         long perExample, MemoryBudget budget, String what,
                                         TileScheduler.Progress progress) {
        long needed = tileBytes + FileSink.bufferBytes(type, spec.dataType(), spec.block(), spec.entriesPerExample());
        budget.check(what + " written to " + out.getFileName() + " tile by tile", needed,
                "use a smaller blockSize (now " + spec.block() + ") or raise the budget");
        long spare = budget.bytes() - needed, perBlock = Math.max(1, perExample * spec.block());
        long maxCached = noCache ? 0 : Math.max(0, spare / 2 / perBlock);
        long t0 = System.nanoTime();
        try (KernelFile file = KernelFile.openOrResume(out, spec)) {
            if (file.resumedTiles() > 0) {
                log.info("{}: resuming, {} of {} tiles already written", file.target(), file.resumedTiles(), spec.tiles());
            }
            log.debug("{} -> {} ({} tiles, {} on disk, work estimate {})", what, out, spec.tiles(),
                    MemoryBudget.human(spec.dataBytes()), MemoryBudget.human(needed));
            long computed = TileScheduler.run(grid, computer, new FileSink(file, type), maxCached, progress);
            file.finish();
            return new KernelFileResult(out, spec, computed, file.resumedTiles(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
