package org.ntk4j.dl4j.linearized;

import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.linearized.internal.EmpiricalNtkEngine;
import org.ntk4j.dl4j.linearized.internal.KernelEngine;

/** The kernel engine contract for the default engine, {@link EmpiricalNtkEngine} in FULL mode (exact). */
class EmpiricalNtkEngineContractTest extends KernelEngineContract {
    @Override
    protected KernelEngine engine(int outputs) {
        return new EmpiricalNtkEngine(MemoryBudget.defaultBudget(), OutputMode.FULL, outputs);
    }
}
