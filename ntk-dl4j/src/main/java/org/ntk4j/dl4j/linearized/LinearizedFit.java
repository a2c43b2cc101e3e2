package org.ntk4j.dl4j.linearized;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.linalg.IterativeKernelSolver;
import org.ntk4j.core.linalg.IterativeSolution;
import org.ntk4j.core.linalg.KernelRows;
import org.ntk4j.core.linalg.Matrices;
import org.ntk4j.core.linalg.NotPositiveDefiniteException;
import org.ntk4j.core.predict.GradientDescentMse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The fit of a {@link LinearizedNetwork} configuration: validation, memory check and solver choice, the training
 * kernel and initial outputs, the dense or iterative solve.
 */
final class LinearizedFit {
    private static final Logger LOG = LoggerFactory.getLogger(LinearizedNetwork.class);

    private LinearizedFit() {
    }

    static LinearizedModel fit(LinearizedNetwork config, DataSet train) {
        LinearizedSettings c = config.settings();
        if (train == null || train.getFeatures() == null || train.getLabels() == null) {
            throw new IllegalArgumentException("training set must have features and labels");
        }
        if (train.getFeaturesMaskArray() != null || train.getLabelsMaskArray() != null) {
            throw new IllegalArgumentException("masked data sets are not supported: remove the masks");
        }
        INDArray x = train.getFeatures().castTo(c.type());
        INDArray y = train.getLabels();
        long n = x.size(0);
        if (y.rank() != 2 || y.size(0) != n || y.size(1) != c.outputs()) {
            throw new IllegalArgumentException("expected labels [" + n + ", " + c.outputs() + "] (one row per example, "
                    + c.outputs() + " network outputs), got " + Arrays.toString(y.shape()));
        }
        if (n == 0) {
            throw new IllegalArgumentException("training set is empty");
        }
        Matrices.requireFinite(x, "training features");
        Matrices.requireFinite(y, "training labels");
        long m = n * c.outputs();
        String what = "linearized network on " + n + " examples × " + c.outputs() + " outputs (kernel [" + m + ", " + m + "])";
        String howToFit = "use fewer training examples or raise -Xmx / org.bytedeco.javacpp.maxphysicalbytes";
        long kernelBytes = 2 * MemoryBudget.bytes(c.type(), m, m) + c.engine().workspaceBytes(c.frozen().model(), n, 0, c.outputs());
        long denseBytes = kernelBytes + 3 * MemoryBudget.bytes(DataType.DOUBLE, m, m);
        LinearizedSolver use = c.solver();
        if (use == LinearizedSolver.AUTO) {
            use = denseBytes <= c.budget().bytes() ? LinearizedSolver.DENSE : LinearizedSolver.ITERATIVE;
        }
        c.budget().check(what, use == LinearizedSolver.DENSE ? denseBytes : kernelBytes, howToFit);
        if (use == LinearizedSolver.ITERATIVE && c.solver() == LinearizedSolver.AUTO) {
            LOG.info("the dense solve of {} would need {} MiB, beyond the memory budget of {} MiB: solving by "
                    + "preconditioned conjugate gradients", what, denseBytes >> 20, c.budget().bytes() >> 20);
        }
        INDArray yt = y.castTo(c.type()).dup();
        INDArray f0 = c.frozenOutput(x);
        INDArray theta = c.engine().flatKernel(c.frozen().model(), x, null);
        INDArray r0 = f0.sub(yt).reshape('c', m, 1);
        INDArray alpha = null;
        NotPositiveDefiniteException singular = null;
        GradientDescentMse gd = null;
        IterativeSolution iterative = null;
        try {
            if (use == LinearizedSolver.DENSE) {
                gd = c.predictor(theta, yt, f0);
                alpha = gd.cholesky().solve(r0);
            } else {
                iterative = IterativeKernelSolver.builder(KernelRows.of(theta)).diagReg(c.diagReg()).tolerance(c.tolerance())
                        .preconditionerRank(c.preconditionerRank())
                        .memoryBudgetBytes(Math.max(1, c.budget().bytes() - kernelBytes)).build().solve(r0);
                alpha = iterative.solution();
                LOG.info("iterative solve: {} iterations, relative residual {}, preconditioner rank {}, {} s",
                        iterative.iterations(), iterative.relativeResidual(), iterative.preconditionerRank(),
                        String.format(Locale.ROOT, "%.2f", iterative.seconds()));
            }
        } catch (NotPositiveDefiniteException e) {
            // finite steps and times stay well defined (eigendecomposition); only t = ∞ needs the solve
            LOG.warn("training kernel is singular; outputs at convergence need a diagonal regulariser: {}",
                    e.getMessage());
            singular = e;
            alpha = null;
        }
        LOG.debug("linearized network fitted on {} examples, {} outputs ({})", n, c.outputs(), use);
        return new LinearizedModel(config, x.dup(), yt, f0, theta, alpha, singular, gd, iterative);
    }

    static DataSet collect(DataSetIterator it) {
        if (it == null) {
            throw new IllegalArgumentException("iterator must not be null");
        }
        if (it.resetSupported()) {
            it.reset();
        }
        List<DataSet> all = new ArrayList<>();
        while (it.hasNext()) {
            all.add(it.next());
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("iterator returned no data");
        }
        return all.size() == 1 ? all.get(0) : DataSet.merge(all);
    }
}
