/**
 * Linearized DL4J networks: training by full-batch {@code Sgd} on the mean squared error replaced by its closed form
 * in the empirical NTK at the initial parameters.
 *
 * <pre>{@code
 * LinearizedNetwork lin = LinearizedNetwork.of(net)   // MultiLayerNetwork with an MSE output layer; θ0 is copied
 *         .learningRate(0.01)                         // DL4J's Sgd learning rate
 *         .build()
 *         .fit(trainSet);                             // features [n, d], labels [n, o]; no SGD
 * INDArray afterSteps = lin.output(xTest, 500);       // [nt, o], as 500 full-batch Sgd steps would give
 * INDArray limit      = lin.output(xTest);            // t = ∞
 * INDArray cov = lin.predictiveCovariance(xTest, 5.0, PriorKernel.monteCarlo(net, 100, 1)); // [nt·o, nt·o]
 * lin.save(new File("lin.zip"));
 * }</pre>
 *
 * {@link org.ntk4j.dl4j.linearized.LinearizedNetwork} is an immutable configuration: {@code fit} returns a new, fitted
 * instance, {@code fitModel} the immutable {@link org.ntk4j.dl4j.linearized.LinearizedModel}. The solve at convergence
 * is dense, or, when the dense factorizations exceed the memory budget, preconditioned conjugate gradients
 * ({@link org.ntk4j.dl4j.linearized.LinearizedSolver}).
 *
 * Internals ({@code ...linearized.internal}) choose the kernel engine ({@link org.ntk4j.dl4j.EmpiricalNtk} in FULL
 * mode), check the network, and read and write the versioned file format.
 */
package org.ntk4j.dl4j.linearized;
