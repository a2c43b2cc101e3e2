package org.ntk4j.dl4j.linearized;

import org.ntk4j.dl4j.linearized.internal.KernelEngine;

/** The kernel engine contract for the explicit-Jacobian reference engine of the tests, {@link JacobianKernelEngine}. */
class JacobianKernelEngineContractTest extends KernelEngineContract {
    @Override
    protected KernelEngine engine(int outputs) {
        return new JacobianKernelEngine();
    }
}
