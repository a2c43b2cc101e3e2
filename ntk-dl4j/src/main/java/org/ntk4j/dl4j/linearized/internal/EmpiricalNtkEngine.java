package org.ntk4j.dl4j.linearized.internal;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.OutputMode;

/** The FULL empirical NTK of {@link EmpiricalNtk}, flattened to {@code [n1·o, n2·o]}. */
public final class EmpiricalNtkEngine implements KernelEngine {
    private final EmpiricalNtk ntk;

    /** @param budget memory budget passed to the engine */
    public EmpiricalNtkEngine(MemoryBudget budget) {
        this.ntk = EmpiricalNtk.builder().outputMode(OutputMode.FULL).memoryBudgetBytes(budget.bytes()).build();
    }

    @Override
    public INDArray flatKernel(Model net, INDArray x1, INDArray x2) {
        return KernelLayout.flatten(ntk.compute(net, x1, x2));
    }

    @Override
    public long workspaceBytes(Model net, long n1, long n2, long o) {
        // the FULL kernel before flattening
        return MemoryBudget.bytes(net.params().dataType(), n1, n2 == 0 ? n1 : n2, o, o);
    }
}
