/**
 * The front door of ntk4j for DL4J networks: {@link org.ntk4j.dl4j.EmpiricalNtk}, the empirical Neural Tangent Kernel
 * {@code Θ(x, x') = J(x) J(x')ᵀ} of a MultiLayerNetwork or ComputationGraph at its current parameters, with its
 * settings {@link org.ntk4j.dl4j.NtkImplementation} (structured layer rules, per-example Jacobians, or AUTO),
 * {@link org.ntk4j.dl4j.OutputMode} (TRACE {@code [n1, n2]}, the mean over outputs; FULL {@code [n1, n2, o, o]}) and
 * {@link org.ntk4j.dl4j.NtkProgress} (tile progress).
 *
 * <pre>{@code
 * EmpiricalNtk ntk = EmpiricalNtk.builder().outputMode(OutputMode.TRACE).blockSize(512).build();
 * INDArray k11 = ntk.compute(net, x1);        // x1 [n1, d] -> [n1, n1], symmetric PSD
 * INDArray k12 = ntk.compute(net, x1, x2);    // [n1, n2]
 * }</pre>
 *
 * <p>The sub-packages build on it: {@code network} (one adapter per network kind, one rule per layer kind),
 * {@code listener} (tracking the kernel during training), {@code linearized} (training replaced by kernel
 * regression), {@code samediff} (the NTK of SameDiff graphs), {@code analytic} (infinite-width kernels of a
 * configuration), {@code arbiter} (width sweeps). See {@code docs/architecture.md} for the data flow.
 */
package org.ntk4j.dl4j;
