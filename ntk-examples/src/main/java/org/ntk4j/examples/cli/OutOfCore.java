package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** {@code ntk kernel --model} for a kernel over the memory budget: written to the {@code .npy} {@code --out} tile by tile. */
final class OutOfCore {
    private OutOfCore() {
    }

    static int write(EmpiricalNtk ntk, Model net, INDArray a, INDArray b, Path out, DataType fileType, OutputMode om,
                     NtkImplementation impl, MemoryBudgetExceededException over, boolean json, ProgressBar bar) {
        boolean resume = Files.exists(KernelFile.ledgerPath(out));
        bar.announce("ntk kernel: the kernel needs about " + MemoryBudget.human(over.neededBytes())
                + " in memory but the memory budget is " + MemoryBudget.human(over.budgetBytes()) + ": writing it to "
                + out + " tile by tile (out of core, " + fileType.name().toLowerCase(Locale.ROOT)
                + (om == OutputMode.FULL ? ", FULL as its flattened [n1*o, n2*o] layout" : "") + "; "
                + (resume ? "continuing the interrupted run recorded in " + KernelFile.ledgerPath(out).getFileName()
                : "an interrupted run continues when rerun") + ")");
        KernelFileResult r = ntk.computeToFile(net, a, b, out, fileType);
        bar.done();
        String shape = Arrays.toString(r.spec().shape());
        if (json) {
            System.out.println(String.format(Locale.ROOT, "{\"command\":\"kernel\",\"shape\":%s,\"data_type\":\"%s\","
                            + "\"implementation\":\"%s\",\"mode\":\"%s\",\"out_of_core\":true,\"tiles_computed\":%d,"
                            + "\"tiles_resumed\":%d,\"seconds_min\":%.6f,\"seconds_median\":%.6f,\"runs\":1,"
                            + "\"top_eigenvalues\":null,\"out\":\"%s\"}", shape.replace(" ", ""), fileType, impl, om,
                    r.tilesComputed(), r.tilesResumed(), r.seconds(), r.seconds(), out.toString().replace("\\", "\\\\")));
        } else {
            System.out.println("kernel " + shape + " " + fileType + " (" + om + ", " + impl + ", out of core) -> " + out);
            System.out.println(String.format(Locale.ROOT, "compute seconds: %.4f (%d tiles computed, %d resumed)",
                    r.seconds(), r.tilesComputed(), r.tilesResumed()));
            System.out.println("top eigenvalues: (not computed for a kernel written out of core)");
        }
        return 0;
    }
}
