package org.ntk4j.dl4j.internal;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.internal.TileScheduler;
import org.ntk4j.dl4j.network.internal.Stacking;

import java.nio.file.Path;

/**
 * The out-of-core path of {@code EmpiricalNtk}: the kernel written to a {@code .npy} file tile by tile
 * ({@link EmpiricalFiles}), the description of that file (shape, tiles, fingerprint) and one tile of it computed on
 * its own, for writers that distribute the tiles (Spark). The tiles are those of {@link EmpiricalRunner}'s jobs.
 * Not API.
 */
public final class EmpiricalOutOfCore {
    private EmpiricalOutOfCore() {
    }

    /**
     * @param runner   the EmpiricalNtk's runner
     * @param model    a MultiLayerNetwork or single-input ComputationGraph
     * @param x1       features {@code [n1, ...]}, n1 &gt; 0
     * @param x2       features {@code [n2, ...]}, or null for {@code x1}
     * @param out      the {@code .npy} file to write
     * @param fileType FLOAT or DOUBLE
     * @return what was written and how many tiles were computed or resumed
     */
    public static KernelFileResult write(EmpiricalRunner runner, Model model, INDArray x1, INDArray x2, Path out,
                                         DataType fileType) {
        Checks.notNull("out", out);
        Checks.notNull("fileType", fileType);
        return runner.withJob(model, x1, x2, job -> EmpiricalFiles.write(job.grid(), job.computer(), job.chain(),
                spec(runner, model, job, fileType), out, job.type(), job.tileBytes(), job.perExample(),
                runner.budget(), job.what(), runner.progress()::update));
    }

    /**
     * @param runner   the EmpiricalNtk's runner
     * @param model    the network
     * @param x1       features {@code [n1, ...]}
     * @param x2       features {@code [n2, ...]}, or null for {@code x1}
     * @param fileType FLOAT or DOUBLE
     * @return the description of the file {@link #write} writes for these arguments
     */
    public static KernelFileSpec fileSpec(EmpiricalRunner runner, Model model, INDArray x1, INDArray x2,
                                          DataType fileType) {
        return runner.withJob(model, x1, x2, job -> spec(runner, model, job, fileType));
    }

    /**
     * @param runner the EmpiricalNtk's runner
     * @param model  the network
     * @param x1     features {@code [n1, ...]}
     * @param x2     features {@code [n2, ...]}, or null for the symmetric kernel of {@code x1}
     * @param bi     row block
     * @param bj     column block
     * @return the tile {@code [rows·m, cols·m]} in the file's layout and the network's type
     * @throws IllegalArgumentException when the tile is not in the grid
     */
    public static INDArray tile(EmpiricalRunner runner, Model model, INDArray x1, INDArray x2, long bi, long bj) {
        Checks.notNull("x1", x1);
        int blockSize = runner.blockSize();
        long n1 = x1.size(0), n2 = x2 == null ? n1 : x2.size(0);
        TileScheduler.Grid grid = new TileScheduler.Grid(n1, n2, blockSize, x2 == null);
        if (!grid.contains(bi, bj)) {
            throw new IllegalArgumentException("tile (" + bi + ", " + bj + ") is not in the grid of " + grid.rowBlocks()
                    + " x " + grid.colBlocks() + " blocks of " + blockSize + " examples"
                    + (x2 == null ? " (symmetric: column >= row)" : ""));
        }
        INDArray rows = Stacking.rows(x1, grid.start(bi), grid.rowEnd(bi));
        INDArray cols = x2 == null && bi == bj ? null
                : Stacking.rows(x2 == null ? x1 : x2, grid.start(bj), grid.colEnd(bj));
        INDArray k = runner.compute(model, new INDArray[]{rows}, cols == null ? null : new INDArray[]{cols}, null, null);
        return k.rank() == 4 ? KernelLayout.flatten(k) : k;
    }

    private static KernelFileSpec spec(EmpiricalRunner runner, Model model, EmpiricalJob job, DataType fileType) {
        return job.fileSpec(fileType, model.getClass().getName() + "\n" + runner.describe(model), model.params());
    }
}
