package org.ntk4j.examples.cli;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.dl4j.analytic.AnalyticKernel;
import org.ntk4j.dl4j.analytic.AnalyticKernelFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** {@code ntk kernel --config} for a kernel over the memory budget: written to the {@code .npy} {@code --out} tile by tile. */
final class AnalyticOutOfCore {
    private AnalyticOutOfCore() {
    }

    /** @return whether {@code e} is the in-memory analytic kernel's refusal (not a tile's, not reading the input) */
    static boolean isKernelOverBudget(MemoryBudgetExceededException e, Path out) {
        return (e.what().startsWith("analytic kernels") || e.what().startsWith("convolutional analytic kernels"))
                && org.ntk4j.core.io.ArrayFormat.ofFileName(out.getFileName().toString())
                == org.ntk4j.core.io.ArrayFormat.NPY;
    }

    static int write(AnalyticKernel ak, String which, INDArray a, INDArray b, Path out, DataType fileType, int block,
                     MemoryBudget budget, MemoryBudgetExceededException over, boolean json, ProgressBar bar) {
        boolean resume = Files.exists(KernelFile.ledgerPath(out));
        AnalyticKernelFile.Kind kind = which.trim().equalsIgnoreCase("nngp") ? AnalyticKernelFile.Kind.NNGP
                : AnalyticKernelFile.Kind.NTK;
        bar.announce("ntk kernel: the infinite-width " + kind + " needs about " + MemoryBudget.human(over.neededBytes())
                + " in memory but the memory budget is " + MemoryBudget.human(over.budgetBytes()) + ": writing it to "
                + out + " tile by tile (out of core, " + fileType.name().toLowerCase(Locale.ROOT) + "; "
                + (resume ? "continuing the interrupted run recorded in " + KernelFile.ledgerPath(out).getFileName()
                : "an interrupted run continues when rerun") + ")");
        INDArray x1 = floating(a);
        INDArray x2 = b == null ? null : floating(b).castTo(x1.dataType());
        AnalyticKernelFile.Result r = AnalyticKernelFile.builder(ak).kernel(kind).blockSize(block).memoryBudget(budget)
                .progress(bar).build().computeToFile(x1, x2, out, fileType);
        bar.done();
        KernelFileResult f = r.file();
        String shape = Arrays.toString(f.spec().shape());
        String est = Double.isNaN(r.errorEstimate()) ? "null" : String.format(Locale.ROOT, "%.3e", r.errorEstimate());
        if (json) {
            System.out.println(String.format(Locale.ROOT, "{\"command\":\"kernel\",\"source\":\"analytic\","
                            + "\"kernel\":\"%s\",\"shape\":%s,\"data_type\":\"%s\",\"out_of_core\":true,"
                            + "\"tiles_computed\":%d,\"tiles_resumed\":%d,\"error_estimate\":%s,\"seconds_min\":%.6f,"
                            + "\"seconds_median\":%.6f,\"runs\":1,\"top_eigenvalues\":null,\"out\":\"%s\"}",
                    kind.name().toLowerCase(Locale.ROOT), shape.replace(" ", ""), fileType, f.tilesComputed(),
                    f.tilesResumed(), est, f.seconds(), f.seconds(), out.toString().replace("\\", "\\\\")));
        } else {
            System.out.println("infinite-width " + kind + " " + shape + " " + fileType + " (out of core) -> " + out);
            System.out.println(String.format(Locale.ROOT, "compute seconds: %.4f (%d tiles computed, %d resumed; "
                    + "largest error estimate of the computed tiles: %s)", f.seconds(), f.tilesComputed(),
                    f.tilesResumed(), est));
            System.out.println("top eigenvalues: (not computed for a kernel written out of core)");
            System.out.println("architecture: " + ak);
        }
        return 0;
    }

    private static INDArray floating(INDArray x) {
        return x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE);
    }
}
