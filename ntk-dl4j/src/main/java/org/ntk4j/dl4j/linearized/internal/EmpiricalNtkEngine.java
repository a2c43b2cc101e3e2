package org.ntk4j.dl4j.linearized.internal;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.OutputMode;

/**
 * The empirical NTK of {@link EmpiricalNtk} as a flat {@code [n1·o, n2·o]} matrix: the FULL kernel flattened, or, in
 * TRACE mode, the approximation {@code trace kernel ⊗ I_o} (mean over outputs on every diagonal output block, zero
 * between outputs).
 */
public final class EmpiricalNtkEngine implements KernelEngine {
    private final EmpiricalNtk ntk;
    private final OutputMode mode;
    private final int outputs;

    /**
     * @param budget  memory budget passed to the engine
     * @param mode    FULL (exact) or TRACE ({@code trace ⊗ I})
     * @param outputs o, the network's outputs
     */
    public EmpiricalNtkEngine(MemoryBudget budget, OutputMode mode, int outputs) {
        this.mode = mode;
        this.outputs = outputs;
        this.ntk = EmpiricalNtk.builder().outputMode(mode).memoryBudgetBytes(budget.bytes()).build();
    }

    @Override
    public INDArray flatKernel(Model net, INDArray x1, INDArray x2) {
        INDArray k = ntk.compute(net, x1, x2);
        if (mode == OutputMode.FULL) {
            return KernelLayout.flatten(k);
        }
        long n1 = k.size(0);
        long n2 = k.size(1);
        return kron(k, outputs, n1, n2);
    }

    private static INDArray kron(INDArray k, int o, long n1, long n2) {
        INDArray full = Nd4j.create(k.dataType(), n1, o, n2, o);
        for (int c = 0; c < o; c++) {
            full.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.point(c)).assign(k);
        }
        return full.reshape('c', n1 * o, n2 * o);
    }

    @Override
    public long workspaceBytes(Model net, long n1, long n2, long o) {
        // the FULL kernel before flattening (TRACE needs o² times less)
        return MemoryBudget.bytes(net.params().dataType(), n1, n2 == 0 ? n1 : n2, o, o);
    }
}
