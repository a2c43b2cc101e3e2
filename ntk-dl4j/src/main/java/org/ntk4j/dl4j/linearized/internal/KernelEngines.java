package org.ntk4j.dl4j.linearized.internal;

/** The kernel engine used by default. */
public final class KernelEngines {
    private KernelEngines() {
    }

    /** @return the engine used when none is chosen */
    public static KernelEngine defaultEngine() {
        return new JacobianKernelEngine();
    }
}
