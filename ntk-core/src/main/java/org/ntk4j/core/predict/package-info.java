/**
 * Predictions of linearized (or infinitely wide) networks trained by gradient descent, from kernels alone.
 *
 * <p>All kernels are flat and example-major: {@code [n1·o, n2·o]} (see {@code KernelLayout.flatten}); outputs and
 * targets are {@code [n, o]}. Time follows DL4J: {@code s} full-batch {@code Sgd(η)} steps on DL4J's {@code LossMSE}
 * correspond to {@code t = η·s} of the flow {@code df/dt = −(2/(n·o)) Θ (f − y)}.
 * <ul>
 *   <li>{@link org.ntk4j.core.predict.GradientDescentMse}: train and test outputs at any time, after exact discrete
 *       steps, at convergence; the maximum stable learning rate.</li>
 *   <li>{@link org.ntk4j.core.predict.GaussianProcessEnsemble}: NTK-GP and NNGP mean and covariance (Lee et al. 2019).</li>
 *   <li>{@link org.ntk4j.core.predict.FunctionSpaceOde}: any loss (e.g. softmax cross-entropy) by adaptive
 *       Runge–Kutta integration of the function-space ODE.</li>
 * </ul>
 *
 * <pre>{@code
 * GradientDescentMse gd = GradientDescentMse.builder(thetaTrain, yTrain).initialOutputs(f0Train).build();
 * INDArray after100 = gd.atSteps(100, 0.1, thetaTestTrain, f0Test).test();   // [nt, o]
 * INDArray limit    = gd.atConvergence(thetaTestTrain, f0Test).test();
 * double etaMax     = gd.maxStableLearningRate();
 * }</pre>
 */
package org.ntk4j.core.predict;
