/**
 * Width sweeps on Arbiter (DL4J's hyperparameter search, release 1.0.0-beta7, run on DL4J 1.0.0-M2.1): "how wide
 * before the kernel picture holds?".
 *
 * <ul>
 *   <li>Score functions, usable in any Arbiter search ({@link org.ntk4j.dl4j.arbiter.NtkScoreFunctions}): NTK drift
 *   after training ({@link org.ntk4j.dl4j.arbiter.NtkDriftScoreFunction}, read from an
 *   {@link org.ntk4j.dl4j.listener.NtkListener}), linearization gap
 *   ({@link org.ntk4j.dl4j.arbiter.LinearizationGapScoreFunction}, against a
 *   {@link org.ntk4j.dl4j.linearized.LinearizedNetwork}), test loss. Drift and gap need an
 *   {@link org.ntk4j.dl4j.arbiter.NtkTaskListener} on Arbiter's task creator.</li>
 *   <li>{@link org.ntk4j.dl4j.arbiter.WidthSweep}: a grid search over widths and seeds on Arbiter's
 *   {@code LocalOptimizationRunner}, returning a {@link org.ntk4j.dl4j.arbiter.SweepResult} (rows, log–log slopes
 *   with intervals, CSV and PNG plots).</li>
 * </ul>
 *
 * <pre>{@code
 * IntegerParameterSpace width = new IntegerParameterSpace(64, 1024);     // Arbiter's grid: 5 widths of this range
 * MultiLayerSpace space = new MultiLayerSpace.Builder()
 *         .weightInit(WeightInit.NORMAL)
 *         .addLayer(new DenseLayerSpace.Builder().nIn(4).nOut(width).activation(Activation.RELU).build())
 *         .addLayer(new DenseLayerSpace.Builder().nIn(width).nOut(width).activation(Activation.RELU).build())
 *         .addLayer(new OutputLayerSpace.Builder().nIn(width).nOut(1).activation(Activation.IDENTITY)
 *                 .lossFunction(LossFunctions.LossFunction.MSE).build())
 *         .build();
 * SweepResult result = WidthSweep.builder()
 *         .space(space, width)
 *         .data(train, test)                                 // DataSets, served as one full batch each
 *         .steps(100).learningRateScaledByWidth(0.05, 64)    // Sgd; η·64/width keeps η·λmax about constant
 *         .seeds(2)
 *         .build()
 *         .run();
 * log.info("drift ~ width^{}", result.driftSlope().slope());
 * result.write(Path.of("out/sweep"));                        // results.csv, drift-vs-width.png, gap-vs-width.png
 * }</pre>
 */
package org.ntk4j.dl4j.arbiter;
