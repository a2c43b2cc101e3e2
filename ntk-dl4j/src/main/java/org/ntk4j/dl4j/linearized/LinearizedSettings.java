package org.ntk4j.dl4j.linearized;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.predict.GradientDescentMse;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.linearized.internal.KernelEngine;
import org.ntk4j.dl4j.linearized.internal.KernelEngines;
import org.ntk4j.dl4j.linearized.internal.LinearizedChecks;
import org.ntk4j.dl4j.network.NetworkAdapter;

/**
 * The immutable settings of a {@link LinearizedNetwork} configuration.
 *
 * @param frozen             the adapter of the private copy of the network at θ0
 * @param learningRate       DL4J's Sgd learning rate that steps refer to
 * @param diagReg            the absolute diagonal regulariser
 * @param budget             the memory budget
 * @param engine             the kernel engine
 * @param kernelMode         FULL or TRACE
 * @param outputs            o
 * @param type               the network's data type
 * @param rate               {@code c} of the dynamics, or NaN for DL4J's {@code 2/(n·o)} (n known at fit)
 * @param solver             the solver setting
 * @param tolerance          the iterative solver's relative residual
 * @param preconditionerRank the iterative solver's preconditioner rank
 */
record LinearizedSettings(NetworkAdapter frozen, double learningRate, double diagReg, MemoryBudget budget,
                          KernelEngine engine, OutputMode kernelMode, int outputs, DataType type, double rate,
                          LinearizedSolver solver, double tolerance, int preconditionerRank) {

    static LinearizedSettings of(NetworkAdapter frozen, double learningRate, double diagReg, MemoryBudget budget,
                                 OutputMode kernelMode, KernelEngine engine, LinearizedSolver solver, double tolerance,
                                 int preconditionerRank) {
        int o = LinearizedChecks.outputCount(frozen);
        return new LinearizedSettings(frozen, learningRate, diagReg, budget,
                engine != null ? engine : KernelEngines.defaultEngine(budget, kernelMode, o), kernelMode, o,
                frozen.model().params().dataType(), frozen.model().conf().isMiniBatch() ? Double.NaN : 2.0 / o,
                solver, tolerance, preconditionerRank);
    }

    LinearizedSettings withLearningRate(double eta) {
        return new LinearizedSettings(frozen, LinearizedChecks.positiveFinite(eta, "learningRate"), diagReg, budget,
                engine, kernelMode, outputs, type, rate, solver, tolerance, preconditionerRank);
    }

    /** The closed-form predictor of this diagReg and rate ({@code 2/(n·o)} when the rate is NaN). */
    GradientDescentMse predictor(INDArray kernel, INDArray targets, INDArray initial) {
        GradientDescentMse.Builder b = GradientDescentMse.builder(kernel, targets).initialOutputs(initial)
                .diagReg(diagReg);
        if (!Double.isNaN(rate)) {
            b.rate(rate);
        }
        return b.build();
    }

    /** @return the frozen network's inference outputs, a private copy in the network's type */
    INDArray frozenOutput(INDArray x) {
        synchronized (frozen.model()) {
            return frozen.output(x).castTo(type).dup();
        }
    }
}
