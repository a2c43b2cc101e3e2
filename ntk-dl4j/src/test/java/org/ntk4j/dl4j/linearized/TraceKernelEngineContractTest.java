package org.ntk4j.dl4j.linearized;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.linearized.internal.EmpiricalNtkEngine;
import org.ntk4j.dl4j.linearized.internal.KernelEngine;

/**
 * The kernel engine contract for {@link EmpiricalNtkEngine} in TRACE mode, the approximation asked for by name: its
 * flat kernel must be {@code trace kernel ⊗ I_o} of the finite-difference kernel.
 */
class TraceKernelEngineContractTest extends KernelEngineContract {
    @Override
    protected KernelEngine engine(int outputs) {
        return new EmpiricalNtkEngine(MemoryBudget.defaultBudget(), OutputMode.TRACE, outputs);
    }

    @Override
    protected INDArray expected(INDArray fdFull) {
        INDArray trace = KernelLayout.traceOf(fdFull);
        long n1 = fdFull.size(0), n2 = fdFull.size(1), o = fdFull.size(2);
        INDArray r = Nd4j.zeros(fdFull.dataType(), n1 * o, n2 * o);
        for (long i = 0; i < n1; i++) {
            for (long j = 0; j < n2; j++) {
                for (long k = 0; k < o; k++) {
                    r.putScalar(new long[]{i * o + k, j * o + k}, trace.getDouble(i, j));
                }
            }
        }
        return r;
    }
}
