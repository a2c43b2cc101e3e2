package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ntk4j.core.linalg.IterativeSolution;
import org.ntk4j.dl4j.linearized.LinearizedModel;
import org.ntk4j.dl4j.linearized.LinearizedNetwork;
import org.ntk4j.dl4j.linearized.LinearizedSolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ntk linearize}: the linearized model of a saved network, fitted on training data in closed form, predicting
 * test outputs after S full-batch {@code Sgd(lr)} steps on DL4J's MSE, at time T, or at convergence.
 */
@Command(name = "linearize", mixinStandardHelpOptions = true,
        description = "Predict what full-batch Sgd on MSE would make of a saved DL4J network (ModelSerializer zip), "
                + "from its linearization at the saved parameters: no training is run.")
public final class LinearizeCommand implements Callable<Integer>, MemoryAdvice {
    @Option(names = "--model", required = true, description = "DL4J model zip (MultiLayerNetwork, or ComputationGraph with one input and output) ending in an MSE output layer")
    Path model;
    @Option(names = "--train-x", required = true, description = "training features [n, d] (.npy, .npz, FILE.npz:NAME, "
            + ".csv, or a pipe)")
    Path trainX;
    @Option(names = "--train-y", required = true, description = "training targets [n, o] (same formats)")
    Path trainY;
    @Option(names = "--test-x", required = true, description = "test features [nt, d] (same formats)")
    Path testX;
    @Option(names = "--lr", description = "Sgd learning rate the steps refer to; default: the network's own Sgd rate")
    Double lr;
    @Option(names = "--steps", description = "full-batch Sgd steps (exact discrete recursion)")
    Long steps;
    @Option(names = "--time", description = "continuous time t = lr · steps of gradient flow")
    Double time;
    @Option(names = "--diag-reg", defaultValue = "0", description = "diagonal regulariser added to the training kernel")
    double diagReg;
    @Option(names = "--solver", defaultValue = "auto", description = "auto (default: dense when its factorizations fit "
            + "in the memory budget, else conjugate gradients), dense, or iterative (outputs at convergence only)")
    String solver;
    @Option(names = "--tolerance", defaultValue = "1e-6", description = "relative residual of the iterative solver")
    double tolerance;
    @Option(names = "--preconditioner-rank", description = "largest rank of the iterative solver's pivoted-Cholesky "
            + "preconditioner (capped at n; more: fewer iterations, n·rank doubles); default: the largest whose "
            + "preconditioner fits --memory-budget")
    Integer preconditionerRank;
    @Option(names = "--adaptive-stop", description = "with --kernel: stop growing the preconditioner after a block of "
            + "pivots whose block nu is at most this (0: grow to --preconditioner-rank; default: the library's)")
    Double adaptiveStop;
    @Option(names = "--kernel", description = "the training kernel as a .npy file ([n, n] for one output, the flattened "
            + "FULL [n*o, n*o] otherwise), read through the page cache and solved by conjugate gradients (at "
            + "convergence only); computed into the file out of core first when it does not exist")
    Path kernelFile;
    @Option(names = "--coefficients-out", description = "with --kernel: also write the dual coefficients alpha of "
            + "(Theta + diagReg I) alpha = f0 - y, DOUBLE [n*o, 1] (.npy, .npz or .csv), written atomically")
    Path coefficientsOut;
    @Option(names = "--out", required = true, description = "predictions [nt, o] (.npy, .npz or .csv), written atomically")
    Path out;
    @Mixin
    InputOptions input;
    @Option(names = "--json", description = "print the summary as one JSON line")
    boolean json;
    @Option(names = "--stacktrace", description = "print stack traces of errors")
    boolean stacktrace;

    @Override
    public Integer call() {
        if (steps != null && time != null) {
            throw new IllegalArgumentException("give --steps or --time, not both (at convergence when neither is given)");
        }
        if (steps != null && steps < 0) {
            throw new IllegalArgumentException("--steps must be >= 0 (got: " + steps + ")");
        }
        if (time != null && !(time >= 0)) {
            throw new IllegalArgumentException("--time must be >= 0 (got: " + time + ")");
        }
        if (!(diagReg >= 0) || Double.isInfinite(diagReg)) {
            throw new IllegalArgumentException("--diag-reg must be finite and >= 0 (got: " + diagReg + ")");
        }
        ArrayIO.checkWritable(out, "--out");
        if (coefficientsOut != null) {
            if (kernelFile == null) {
                throw new IllegalArgumentException("--coefficients-out needs --kernel (the coefficients of the "
                        + "iterative solve from a kernel file)");
            }
            ArrayIO.checkWritable(coefficientsOut, "--coefficients-out");
        }
        org.ntk4j.core.kernel.MemoryBudget budget = input.budget();
        INDArray x0 = finite(input.read(trainX, "--train-x"), "--train-x");
        INDArray y0 = finite(input.read(trainY, "--train-y"), "--train-y");
        INDArray t0x = finite(input.read(testX, "--test-x"), "--test-x");
        Model net = ModelIO.load(model);
        DataType type = net.params().dataType();
        INDArray x = x0.castTo(type), y = y0.castTo(type), t = t0x.castTo(type);
        if (y.rank() == 1) {
            y = y.reshape(y.length(), 1);
        }
        if (x.size(0) != y.size(0)) {
            throw new IllegalArgumentException("--train-x has " + x.size(0) + " rows but --train-y has " + y.size(0)
                    + ": give one target row per training example");
        }
        if (kernelFile != null) {
            return fromKernelFile(net, x, y, t);
        }
        LinearizedSolver chosen;
        try {
            chosen = LinearizedSolver.valueOf(solver.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--solver must be auto, dense or iterative (got: " + solver + ")");
        }
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("--tolerance must be in (0, 1) (got: " + tolerance + ")");
        }
        LinearizedNetwork.Builder b = LinearizedNetwork.of(net).diagReg(diagReg).memoryBudget(budget).solver(chosen)
                .tolerance(tolerance);
        b.preconditionerRank(rank());
        if (lr != null) {
            b.learningRate(lr);
        }
        long t0 = System.nanoTime();
        LinearizedNetwork lin = b.build().fit(new DataSet(x, y));
        INDArray pred;
        String when;
        if (steps != null) {
            pred = lin.output(t, steps);
            when = steps + " steps";
        } else if (time != null) {
            pred = lin.outputAtTime(t, time);
            when = "time " + time;
        } else {
            pred = lin.output(t);
            when = "convergence";
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        ArrayIO.write(pred, out, "--out");
        LinearizedModel fitted = lin.model();
        boolean dense = fitted.solver() == LinearizedSolver.DENSE;
        double etaMax = dense ? lin.maxStableLearningRate() : Double.NaN;
        IterativeSolution it = fitted.iterativeSolution().orElse(null);
        if (json) {
            System.out.println(String.format(Locale.ROOT,
                    "{\"command\":\"linearize\",\"shape\":%s,\"data_type\":\"%s\",\"learning_rate\":%s,\"steps\":%s,"
                            + "\"time\":%s,\"diag_reg\":%s,\"max_stable_learning_rate\":%s,\"solver\":\"%s\","
                            + "\"iterations\":%s,\"relative_residual\":%s,\"seconds\":%.6f,\"out\":\"%s\"}",
                    Arrays.toString(pred.shape()).replace(" ", ""), pred.dataType(), num(lin.learningRate()),
                    steps == null ? "null" : steps.toString(), time == null ? "null" : num(time), num(diagReg),
                    num(etaMax), fitted.solver(), it == null ? "null" : Integer.toString(it.iterations()),
                    it == null ? "null" : num(it.relativeResidual()), seconds, out.toString().replace("\\", "\\\\").replace("\"", "\\\"")));
        } else {
            System.out.println("predictions " + Arrays.toString(pred.shape()) + " " + pred.dataType() + " at " + when
                    + " (Sgd learning rate " + lin.learningRate() + ") -> " + out);
            if (dense) {
                System.out.println(String.format(Locale.ROOT, "fit + predict seconds: %.4f; maximum stable learning "
                        + "rate: %.6g%s", seconds, etaMax, lin.learningRate() >= etaMax ? " (the chosen rate diverges)" : ""));
            } else {
                System.out.println(String.format(Locale.ROOT, "solved iteratively (the dense factorizations exceed the "
                        + "memory budget, or --solver iterative): preconditioned conjugate gradients, %d iterations, "
                        + "relative residual %.2e (tolerance %.1e), preconditioner rank %d, %.2f s; fit + predict "
                        + "seconds: %.4f", it.iterations(), it.relativeResidual(), it.tolerance(),
                        it.preconditionerRank(), it.seconds(), seconds));
            }
        }
        return 0;
    }

    private int fromKernelFile(Model net, INDArray x, INDArray y, INDArray t) {
        if (steps != null || time != null) {
            throw new IllegalArgumentException("--kernel predicts at convergence only: finite --steps or --time need the "
                    + "eigendecomposition of the kernel (n² doubles); drop --steps/--time, or drop --kernel");
        }
        if (!solver.trim().equalsIgnoreCase("auto") && !solver.trim().equalsIgnoreCase("iterative")) {
            throw new IllegalArgumentException("--kernel solves iteratively; --solver " + solver + " is not available "
                    + "with it");
        }
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("--tolerance must be in (0, 1) (got: " + tolerance + ")");
        }
        int rank = rank();
        if (adaptiveStop != null && !(adaptiveStop >= 0 && adaptiveStop < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("--adaptive-stop must be finite and >= 0 (got: " + adaptiveStop + ")");
        }
        if (x.size(0) != y.size(0)) {
            throw new IllegalArgumentException("--train-x has " + x.size(0) + " rows but --train-y has " + y.size(0)
                    + ": give one target row per training example");
        }
        KernelFileRegression.Fit r = KernelFileRegression.run(net, x, y, t, KernelFileRegression.same(trainX, testX, x, t),
                kernelFile, diagReg, tolerance, rank,
                adaptiveStop == null ? org.ntk4j.core.linalg.IterativeKernelSolver.DEFAULT_STOP_NU : adaptiveStop,
                input.budget(), json);
        ArrayIO.write(r.predictions(), out, "--out");
        if (coefficientsOut != null) {
            ArrayIO.write(r.alpha(), coefficientsOut, "--coefficients-out");
        }
        IterativeSolution it = r.solution();
        org.ntk4j.core.linalg.PreconditionerInfo p = r.preconditioner();
        if (json) {
            System.out.println(String.format(Locale.ROOT,
                    "{\"command\":\"linearize\",\"shape\":%s,\"data_type\":\"%s\",\"steps\":null,\"time\":null,"
                            + "\"diag_reg\":%s,\"solver\":\"ITERATIVE\",\"kernel_file\":\"%s\",\"kernel_computed\":%s,"
                            + "\"iterations\":%d,\"relative_residual\":%s,\"preconditioner_rank\":%d,"
                            + "\"preconditioner_rank_cap\":%d,"
                            + "\"preconditioner_seconds\":%.3f,\"preconditioner_bytes\":%d,\"preconditioner_stop\":\"%s\","
                            + "\"preconditioner_last_nu\":%s,\"solve_seconds\":%.3f,"
                            + "\"ridge_identity_error\":%s,\"max_abs_train_residual\":%s,\"seconds\":%.6f,\"out\":\"%s\"}",
                    Arrays.toString(r.predictions().shape()).replace(" ", ""), r.predictions().dataType(), num(diagReg),
                    kernelFile.toString().replace("\\", "\\\\"), r.computed(), it.iterations(),
                    num(it.relativeResidual()), p.rank(), p.rankCap(), p.seconds(), p.bytes(), p.stopReason(),
                    num(p.lastBlockNu()), it.seconds(),
                    num(r.identityError()), num(r.fitResidual()), r.seconds(),
                    out.toString().replace("\\", "\\\\").replace("\"", "\\\"")));
        } else {
            System.out.println("predictions " + Arrays.toString(r.predictions().shape()) + " " + r.predictions().dataType()
                    + " at convergence, from the kernel file " + kernelFile + " -> " + out);
            System.out.println(String.format(Locale.ROOT, "solved iteratively: preconditioned conjugate gradients, %d "
                            + "iterations, relative residual %.2e (tolerance %.1e); preconditioner rank %d of at most %d "
                            + "(%s, %s, %.1f s); solve %.1f s; total %.1f s", it.iterations(), it.relativeResidual(),
                    it.tolerance(), p.rank(), p.rankCap(), p.stopReason(), org.ntk4j.core.kernel.MemoryBudget.human(p.bytes()), p.seconds(), it.seconds(),
                    r.seconds()));
            if (!Double.isNaN(r.identityError())) {
                System.out.println(String.format(Locale.ROOT, "at the training points: max |y - f| = %.4g (the ridge "
                        + "residual), max |(y - f) + diagReg*alpha| = %.3g (0 for the exact ridge solution)",
                        r.fitResidual(), r.identityError()));
            }
        }
        return 0;
    }

    @Override
    public String memoryAdvice(org.ntk4j.core.kernel.MemoryBudgetExceededException e) {
        return e.what().startsWith("reading ") ? "" : "use fewer training examples in --train-x/--train-y or fewer rows "
                + "in --test-x";
    }

    /** @return --preconditioner-rank, or 0 (the largest that fits the memory budget) when not given */
    private int rank() {
        if (preconditionerRank == null) {
            return org.ntk4j.core.linalg.IterativeKernelSolver.AUTO_RANK;
        }
        if (preconditionerRank <= 0) {
            throw new IllegalArgumentException("--preconditioner-rank must be > 0 (got: " + preconditionerRank + ")");
        }
        return preconditionerRank;
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static INDArray finite(INDArray a, String option) {
        if (a.length() > 0 && a.dataType().isFPType() && (a.isNaN().any() || a.isInfinite().any())) {
            throw new IllegalArgumentException(option + " contains NaN or infinite values");
        }
        return a;
    }
}
