package org.ntk4j.dl4j.analytic;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.core.io.KernelFileSpec;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.internal.TileScheduler;
import org.ntk4j.dl4j.NtkProgress;
import org.ntk4j.dl4j.internal.Checks;
import org.ntk4j.dl4j.internal.Fingerprint;
import org.ntk4j.dl4j.network.internal.Stacking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Writes an infinite-width kernel ({@link AnalyticKernel}, dense or convolutional) that does not fit in memory to a
 * {@code .npy} file tile by tile, through {@link KernelFile}: resumable after an interruption, symmetric tiles
 * computed once and mirrored, only a few tiles in memory whatever n is. The counterpart of
 * {@link org.ntk4j.dl4j.EmpiricalNtk#computeToFile} for analytic kernels.
 *
 * <pre>{@code
 * AnalyticKernelFile f = AnalyticKernelFile.builder(AnalyticKernels.of(conf))
 *         .kernel(AnalyticKernelFile.Kind.NTK).blockSize(512).progress((done, total) -> { }).build();
 * AnalyticKernelFile.Result r = f.computeToFile(x, null, Path.of("k.npy"), DataType.FLOAT);   // [n, n] float32
 * }</pre>
 *
 * <p>Each tile is {@link AnalyticKernel#compute} of its rows against its columns (a diagonal tile of a symmetric
 * kernel: of its rows with themselves, exactly symmetric), so entries equal those of the in-memory kernel up to the
 * rounding of the input Gram products (the same tile partition gives the same values). The error-controlled rule
 * checks every tile: a tile over the tolerance throws {@link org.ntk4j.core.analytic.ToleranceNotMetException} before
 * it is written (unless the kernel is built to warn only), so every tile of a completed file met the tolerance;
 * {@link Result#errorEstimate()} is the largest estimate of the tiles computed by this call. The fingerprint covers
 * the architecture (layer specifications, parameterization, rule and tolerance), the kernel chosen, the features and
 * the first tile's values, so a rerun resumes only its own file.
 */
public final class AnalyticKernelFile {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticKernelFile.class);

    /** Which of the two infinite-width kernels is written. */
    public enum Kind {
        /** The neural tangent kernel. */
        NTK,
        /** The NNGP kernel. */
        NNGP
    }

    /**
     * What was written.
     *
     * @param file          the file, its spec, tiles computed and resumed, seconds
     * @param errorEstimate the largest estimated relative error of the tiles computed by this call ({@code NaN} for a
     *                      fixed quadrature degree, 0 when every layer has a closed form or no tile was computed)
     */
    public record Result(KernelFileResult file, double errorEstimate) {
    }

    private final AnalyticKernel kernel;
    private final Kind kind;
    private final int block;
    private final NtkProgress progress;
    private final MemoryBudget budget;

    private AnalyticKernelFile(Builder b) {
        this.block = b.block;
        this.kernel = b.kernel.withTileSize(b.block).withMemoryBudget(b.budget);
        this.kind = b.kind;
        this.progress = b.progress;
        this.budget = b.budget;
    }

    /**
     * @param kernel the analytic kernel of a configuration ({@link AnalyticKernels#of})
     * @return a builder
     */
    public static Builder builder(AnalyticKernel kernel) {
        return new Builder(Checks.notNull("kernel", kernel));
    }

    /**
     * Bytes of the work of one tile: both kernels of a tile and their double-precision temporaries, plus the file's
     * tile buffers.
     *
     * @param fileType FLOAT or DOUBLE
     * @return the estimate checked against the memory budget before any file is created
     */
    public long tileBytes(DataType fileType) {
        return 10L * 8 * block * block + 2L * fileType.width() * block * block;
    }

    /**
     * The file {@link #computeToFile} writes for these arguments (shape, type, tiles, fingerprint); computes the first
     * tile (part of the fingerprint).
     *
     * @param x1       features {@code [n1, nIn]} or images
     * @param x2       the same for the second side, or {@code null} for {@code x1} (symmetric)
     * @param fileType FLOAT or DOUBLE
     * @return the kernel file's description
     */
    public KernelFileSpec fileSpec(INDArray x1, INDArray x2, DataType fileType) {
        return spec(x1, x2, fileType, tile(x1, x2, 0, 0).ntkOrNngp);
    }

    /**
     * Writes the kernel of {@code x1} with {@code x2} to {@code out} tile by tile; a partial file of the same
     * computation ({@code out.partial} with its ledger) is continued, one of another computation is refused.
     *
     * @param x1       features {@code [n1, nIn]} (images {@code [n1, C, H, W]} for a convolutional kernel), FLOAT or
     *                 DOUBLE
     * @param x2       the same for the second side, or {@code null} for the symmetric kernel of {@code x1}
     * @param out      the {@code .npy} file (replaced when complete)
     * @param fileType FLOAT or DOUBLE
     * @return what was written
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException when one tile's work exceeds the budget
     * @throws org.ntk4j.core.io.ArrayFormatException              when a foreign or damaged partial file is in the way
     */
    public Result computeToFile(INDArray x1, INDArray x2, Path out, DataType fileType) {
        Checks.notNull("x1", x1);
        Checks.notNull("out", out);
        Checks.notNull("fileType", fileType);
        if (x2 != null && x2.dataType() != x1.dataType()) {
            throw new IllegalArgumentException("x1 and x2 must have the same data type (got: " + x1.dataType() + " and "
                    + x2.dataType() + ")");
        }
        budget.check("the infinite-width " + kind + " written to " + out.getFileName() + " tile by tile",
                tileBytes(fileType), "use a smaller blockSize (now " + block + ") or raise the budget");
        long t0 = System.nanoTime();
        Tile first = tile(x1, x2, 0, 0);
        KernelFileSpec spec = spec(x1, x2, fileType, first.ntkOrNngp);
        TileScheduler.Grid grid = new TileScheduler.Grid(spec.rows(), spec.cols(), block, spec.symmetric());
        double worst = 0;
        long computed = 0;
        try (KernelFile file = KernelFile.openOrResume(out, spec)) {
            if (file.resumedTiles() > 0) {
                LOG.info("{}: resuming, {} of {} tiles already written", out, file.resumedTiles(), spec.tiles());
            }
            long total = spec.tiles();
            for (long bi = 0; bi < grid.rowBlocks(); bi++) {
                for (long bj = spec.symmetric() ? bi : 0; bj < grid.colBlocks(); bj++) {
                    if (file.isDone(bi, bj)) {
                        continue;
                    }
                    Tile t = bi == 0 && bj == 0 ? first : tile(x1, x2, bi, bj);
                    file.writeTile(bi, bj, t.ntkOrNngp);
                    worst = Double.isNaN(t.error) || Double.isNaN(worst) ? Double.NaN : Math.max(worst, t.error);
                    computed++;
                    progress.update(file.tilesDone(), total);
                }
            }
            file.finish();
            return new Result(new KernelFileResult(out, spec, computed, file.resumedTiles(),
                    (System.nanoTime() - t0) / 1e9), worst);
        }
    }

    /** One tile: the chosen kernel and the tile's error estimate. */
    private record Tile(INDArray ntkOrNngp, double error) {
    }

    private Tile tile(INDArray x1, INDArray x2, long bi, long bj) {
        long n1 = x1.size(0), n2 = x2 == null ? n1 : x2.size(0);
        TileScheduler.Grid grid = new TileScheduler.Grid(n1, n2, block, x2 == null);
        INDArray rows = Stacking.rows(x1, grid.start(bi), grid.rowEnd(bi));
        KernelPair kp = x2 == null && bi == bj ? kernel.compute(rows, null)
                : kernel.compute(rows, Stacking.rows(x2 == null ? x1 : x2, grid.start(bj), grid.colEnd(bj)));
        return new Tile(kind == Kind.NTK ? kp.ntk() : kp.nngp(), kp.errorEstimate());
    }

    private KernelFileSpec spec(INDArray x1, INDArray x2, DataType fileType, INDArray firstTile) {
        Fingerprint f = new Fingerprint("analytic").text(kernel.toString()).text(kind.name());
        if (kernel.isConvolutional()) {
            org.ntk4j.core.analytic.ConvolutionalKernel c = kernel.convolutionalKernel();
            f.text(c.parameterization() + " " + c.fixedQuadrature() + " " + c.quadratureDegree() + " " + c.tolerance()
                    + " " + c.warnsOnly() + " " + c.channelsLast() + " " + c.fullCovariance());
        } else {
            org.ntk4j.core.analytic.FullyConnectedKernel d = kernel.kernel();
            f.text(d.layers() + " " + d.parameterization() + " " + d.fixedQuadrature() + " " + d.quadratureDegree()
                    + " " + d.tolerance() + " " + d.warnsOnly());
        }
        f.array(firstTile.castTo(DataType.FLOAT)).array(x1);
        if (x2 != null) {
            f.array(x2);
        }
        long n1 = x1.size(0), n2 = x2 == null ? n1 : x2.size(0);
        return new KernelFileSpec(n1, n2, 1, fileType, block, x2 == null, f.value());
    }

    /** Builder of {@link AnalyticKernelFile}. */
    public static final class Builder {
        private final AnalyticKernel kernel;
        private Kind kind = Kind.NTK;
        private int block = 512;
        private NtkProgress progress = NtkProgress.NONE;
        private MemoryBudget budget = MemoryBudget.defaultBudget();

        private Builder(AnalyticKernel kernel) {
            this.kernel = kernel;
        }

        /**
         * @param k NTK (default) or NNGP
         * @return this
         */
        public Builder kernel(Kind k) {
            this.kind = Checks.notNull("kernel", k);
            return this;
        }

        /**
         * @param b examples per tile edge, &gt; 0 (default 512); also the kernel's own tile size
         * @return this
         */
        public Builder blockSize(int b) {
            if (b < 1) {
                throw new IllegalArgumentException("blockSize must be >= 1 (got: " + b + ")");
            }
            this.block = b;
            return this;
        }

        /**
         * @param p receives tiles done and total after each tile (default: none)
         * @return this
         */
        public Builder progress(NtkProgress p) {
            this.progress = Checks.notNull("progress", p);
            return this;
        }

        /**
         * @param b the memory budget that one tile's work must fit (default: {@link MemoryBudget#defaultBudget()})
         * @return this
         */
        public Builder memoryBudget(MemoryBudget b) {
            this.budget = Checks.notNull("memoryBudget", b);
            return this;
        }

        /** @return the writer */
        public AnalyticKernelFile build() {
            return new AnalyticKernelFile(this);
        }
    }
}
