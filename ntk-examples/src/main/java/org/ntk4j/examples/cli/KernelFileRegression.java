package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.KernelFileResult;
import org.ntk4j.core.io.NpyHeader;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.linalg.IterativeKernelSolver;
import org.ntk4j.core.linalg.IterativeSolution;
import org.ntk4j.core.linalg.KernelRows;
import org.ntk4j.core.linalg.PreconditionerInfo;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.OutputMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code ntk linearize --kernel K.npy}: the linearized network at convergence, {@code f(x) = f0(x) − Θ(x, X) α} with
 * {@code (Θ + λI) α = f0(X) − Y}, solved by preconditioned CG against a training kernel held in a {@code .npy} file
 * (read through the page cache, never loaded whole). The file is computed out of core first when it does not exist;
 * an existing one is checked against the network and the training features (shape, and the entries of its first
 * rows recomputed). Test predictions stream {@code Θ(test, X)} by blocks of test rows; predictions at the training
 * points themselves ({@code --test-x} the same file as {@code --train-x}) reuse the file: {@code f = f0 − Θα}.
 */
final class KernelFileRegression {
    private static final int CHECK_ROWS = 16;

    private KernelFileRegression() {
    }

    /** The result, for the summary. */
    record Fit(INDArray predictions, INDArray alpha, IterativeSolution solution, PreconditionerInfo preconditioner, boolean computed,
               double identityError, double fitResidual, double seconds) {
    }

    static Fit run(Model net, INDArray x, INDArray y, INDArray test, boolean testIsTrain, Path kernel, double diagReg,
                   double tolerance, int rank, double adaptiveStop, MemoryBudget budget, boolean quiet) {
        long t0 = System.nanoTime();
        int o = (int) y.size(1);
        long n = x.size(0), m = n * o;
        INDArray f0 = output(net, x);
        if (f0.size(1) != o) {
            throw new IllegalArgumentException("--train-y has " + o + " columns but the network has " + f0.size(1)
                    + " outputs");
        }
        OutputMode mode = o == 1 ? OutputMode.TRACE : OutputMode.FULL;
        boolean computed = false;
        if (!Files.exists(kernel)) {
            ProgressBar bar = new ProgressBar(!quiet);
            bar.announce("ntk linearize: " + kernel + " does not exist: computing the training kernel into it tile by "
                    + "tile (out of core, float; an interrupted run continues when rerun)");
            EmpiricalNtk ntk = EmpiricalNtk.builder().outputMode(mode).memoryBudgetBytes(budget.bytes()).progress(bar)
                    .build();
            KernelFileResult r = ntk.computeToFile(net, x, null, kernel, DataType.FLOAT);
            bar.done();
            computed = r.tilesComputed() > 0;
        }
        check(net, x, kernel, mode, m, o);
        INDArray rhs = f0.castTo(DataType.DOUBLE).sub(y.castTo(DataType.DOUBLE)).reshape('c', m, 1);
        IterativeKernelSolver solver = IterativeKernelSolver.builder(KernelRows.mapped(kernel)).diagReg(diagReg)
                .tolerance(tolerance).preconditionerRank(rank).adaptiveStop(adaptiveStop).memoryBudgetBytes(budget.bytes())
                .build();
        PreconditionerInfo info = solver.preconditionerInfo();
        IterativeSolution sol = solver.solve(rhs);
        INDArray alpha = sol.solution();
        INDArray pred;
        double identity = Double.NaN, fit = Double.NaN;
        if (testIsTrain) {
            INDArray kAlpha = solver.multiply(alpha).subi(alpha.mul(diagReg));                // Θ α
            INDArray f = f0.castTo(DataType.DOUBLE).reshape('c', m, 1).sub(kAlpha);
            INDArray yy = y.castTo(DataType.DOUBLE).reshape('c', m, 1);
            // the ridge solution at the training points: y − f = −λ α (sign: α solves (Θ + λI) α = f0 − y)
            identity = yy.sub(f).addi(alpha.mul(diagReg)).amaxNumber().doubleValue();
            fit = yy.sub(f).amaxNumber().doubleValue();
            pred = f.reshape('c', n, o);
        } else {
            pred = streamedPredictions(net, x, test, alpha, mode, o, budget);
        }
        return new Fit(pred.castTo(f0.dataType()), alpha, sol, info, computed, identity, fit,
                (System.nanoTime() - t0) / 1e9);
    }

    /** {@code f0(t) − Θ(t, X) α}, with {@code Θ(t, X)} computed by blocks of test rows that fit the budget. */
    private static INDArray streamedPredictions(Model net, INDArray x, INDArray t, INDArray alpha, OutputMode mode,
                                                int o, MemoryBudget budget) {
        long nt = t.size(0), m = x.size(0) * o;
        INDArray out = output(net, t).castTo(DataType.DOUBLE).reshape('c', nt * o, 1);
        long rows = Math.max(1, Math.min(nt, budget.bytes() / 4 / Math.max(1, 8L * m * o * 3)));
        EmpiricalNtk ntk = EmpiricalNtk.builder().outputMode(mode).memoryBudgetBytes(budget.bytes()).build();
        for (long r0 = 0; r0 < nt; r0 += rows) {
            long r1 = Math.min(nt, r0 + rows);
            INDArray k = ntk.compute(net, t.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all()), x);
            INDArray k2 = (k.rank() == 4 ? KernelLayout.flatten(k) : k).castTo(DataType.DOUBLE);
            out.get(NDArrayIndex.interval(r0 * o, r1 * o), NDArrayIndex.all()).subi(k2.mmul(alpha));
        }
        return out.reshape('c', nt, o);
    }

    /** Refuses a kernel file of another shape, or whose first rows are not the network's kernel on these features. */
    private static void check(Model net, INDArray x, Path kernel, OutputMode mode, long m, int o) {
        NpyHeader h = ArrayFiles.readNpyHeader(kernel);
        if (h.shape().length != 2 || h.shape()[0] != m || h.shape()[1] != m) {
            throw new IllegalArgumentException("--kernel " + kernel + " holds " + Arrays.toString(h.shape()) + " but "
                    + x.size(0) + " training examples with " + o + " output" + (o == 1 ? "" : "s") + " need ["
                    + m + ", " + m + "]" + (o == 1 ? "" : " (the FULL kernel, flattened: ntk kernel --mode full)")
                    + ": give the kernel of --train-x, or a new file name to compute it");
        }
        int r = (int) Math.min(CHECK_ROWS, x.size(0));
        INDArray mine = EmpiricalNtk.builder().outputMode(mode).blockSize(r).build()
                .computeTile(net, x, null, 0, 0).castTo(DataType.DOUBLE);
        INDArray stored = ArrayFiles.readNpyBlock(kernel, 0, (long) r * o, 0, (long) r * o).castTo(DataType.DOUBLE);
        double scale = Math.max(mine.amaxNumber().doubleValue(), Double.MIN_NORMAL);
        double diff = mine.sub(stored).amaxNumber().doubleValue() / scale;
        if (!(diff <= 1e-4)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--kernel %s is not the NTK of --model on "
                    + "--train-x: its first %d rows differ from the recomputed kernel by up to %.2e (relative to the "
                    + "largest entry); recompute it with ntk kernel, or give a new file name to compute it", kernel, r,
                    diff));
        }
    }

    private static INDArray output(Model net, INDArray x) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.output(x);
        }
        return ((ComputationGraph) net).outputSingle(x);
    }

    /** @return whether the two feature arrays are the same (the test points are the training points) */
    static boolean same(Path a, Path b, INDArray x, INDArray t) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())
                || (Arrays.equals(x.shape(), t.shape()) && x.equals(t));
    }

}
