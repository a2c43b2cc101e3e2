package org.ntk4j.dl4j.listener.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link NtkTracker} needs of the model a listener observes: the kernel on the probe at the current parameters,
 * how far the parameters moved, and the number of outputs. One implementation per kind of model (a DL4J network,
 * a SameDiff graph), made when the listener starts, holding the parameters of that moment ({@code params0}). Only reads
 * the model. Not API.
 */
public interface KernelProbe {
    /** @return the kernel on the probe at the current parameters: TRACE {@code [n, n]} or FULL {@code [n, n, o, o]} */
    INDArray kernel();

    /** @return {@code ‖θt − θ0‖₂ / ‖θ0‖₂} against the parameters at the start; NaN when {@code θ0 = 0} */
    double parameterChange();

    /** @return o, the output entries per example (the {@code o} of {@code n·o/λmax} and of FULL kernels) */
    int outputs();
}
