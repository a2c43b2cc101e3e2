package org.ntk4j.dl4j.linearized.internal;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Computes the flat empirical NTK {@code [n1·o, n2·o]} (example-major) of {@code net.output} at the network's current
 * parameters. The network is not modified.
 */
public interface KernelEngine {

    /**
     * @param net the network (its parameters are θ0)
     * @param x1  features {@code [n1, ...]}
     * @param x2  features {@code [n2, ...]}, or {@code null} for {@code x1}
     * @return {@code [n1·o, n2·o]} in the network's data type
     */
    INDArray flatKernel(Model net, INDArray x1, INDArray x2);

    /**
     * Bytes the engine allocates beyond its result, for the memory check.
     *
     * @param net the network
     * @param n1  examples of the first argument
     * @param n2  examples of the second argument
     * @param o   outputs
     * @return an estimate in bytes
     */
    long workspaceBytes(Model net, long n1, long n2, long o);
}
