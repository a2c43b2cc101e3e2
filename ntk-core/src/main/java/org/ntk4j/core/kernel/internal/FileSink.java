package org.ntk4j.core.kernel.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.KernelFile;

import java.util.HashMap;
import java.util.Map;

/**
 * The out-of-core {@link TileScheduler.TileSink}: tiles are computed into a reused buffer of the computation's type
 * and handed to a {@link KernelFile}, which casts them to the file's type, writes them (mirrored when symmetric) and
 * records them; tiles the file already holds (a resumed run) are skipped.
 */
public final class FileSink implements TileScheduler.TileSink {
    private final KernelFile file;
    private final DataType type;
    private final int m;
    private final Map<Long, INDArray> buffers = new HashMap<>();

    /**
     * @param file the open kernel file
     * @param type the data type tiles are computed in
     */
    public FileSink(KernelFile file, DataType type) {
        this.file = file;
        this.type = type;
        this.m = file.spec().entriesPerExample();
    }

    @Override
    public boolean holds(long bi, long bj) {
        return file.isDone(bi, bj);
    }

    @Override
    public INDArray region(long r0, long r1, long c0, long c1) {
        long rows = (r1 - r0) * m, cols = (c1 - c0) * m;
        return buffers.computeIfAbsent(rows << 32 | cols,
                k -> Nd4j.createUninitialized(type, new long[]{rows, cols}, 'c'));
    }

    @Override
    public void commit(long bi, long bj, long r0, long c0, INDArray region, boolean mirror) {
        file.writeTile(bi, bj, region);
    }

    /**
     * @param rows examples per tile edge
     * @return bytes of the buffers this sink and the file hold for tiles of that edge
     */
    public static long bufferBytes(DataType type, DataType fileType, long rows, int m) {
        long tile = rows * m * rows * m;
        return tile * type.width() + 2 * tile * fileType.width();
    }
}
