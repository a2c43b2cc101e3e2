package org.ntk4j.dl4j.linearized.internal;

import org.ntk4j.core.kernel.MemoryBudget;

/** The kernel engine used by default. */
public final class KernelEngines {
    private KernelEngines() {
    }

    /**
     * @param budget memory budget of the kernel computation
     * @return the engine used when none is chosen: {@link org.ntk4j.dl4j.EmpiricalNtk} in FULL mode
     */
    public static KernelEngine defaultEngine(MemoryBudget budget) {
        return new EmpiricalNtkEngine(budget);
    }
}
