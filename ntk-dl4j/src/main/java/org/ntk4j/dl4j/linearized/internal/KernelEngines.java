package org.ntk4j.dl4j.linearized.internal;

import org.ntk4j.core.kernel.MemoryBudget;

/** The kernel engine used by default. */
public final class KernelEngines {
    private KernelEngines() {
    }

    /**
     * @param budget  memory budget of the kernel computation
     * @param mode    FULL (exact, the default of LinearizedNetwork) or TRACE ({@code trace kernel ⊗ I})
     * @param outputs o, the network's outputs
     * @return the engine used when none is chosen: {@link org.ntk4j.dl4j.EmpiricalNtk}
     */
    public static KernelEngine defaultEngine(MemoryBudget budget, org.ntk4j.dl4j.OutputMode mode, int outputs) {
        return new EmpiricalNtkEngine(budget, mode, outputs);
    }
}
