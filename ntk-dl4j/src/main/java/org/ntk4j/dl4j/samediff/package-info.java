/**
 * The Neural Tangent Kernel of SameDiff graphs, computed by the graph itself, and tracked during {@code sd.fit}.
 *
 * <p>{@link org.ntk4j.dl4j.samediff.SameDiffNtk} transforms (a copy of) a SameDiff graph so that it computes
 * {@code Θ(x1, x2)} of one output variable {@code [n, o]} w.r.t. every trainable variable: per-example deltas from
 * SameDiff's gradients w.r.t. intermediate variables, combined with input Gram matrices for {@code Mmul}/bias ops and
 * with im2col patches for {@code conv2d} (the structured rule), and exact per-example gradients for parameters of any
 * other op.
 * {@link org.ntk4j.dl4j.samediff.SameDiffNtkListener} records the same
 * {@link org.ntk4j.dl4j.listener.NtkSnapshot}s as the DL4J {@link org.ntk4j.dl4j.listener.NtkListener} (drift from
 * initialisation, spectrum, alignment, parameter change, stable learning rate) while the graph trains, feeds the same
 * {@link org.ntk4j.dl4j.listener.NtkSinks}, and does not change training.
 *
 * <pre>{@code
 * SameDiff sd = SameDiff.create();
 * SDVariable x = sd.placeHolder("input", DataType.DOUBLE, -1, 3);
 * SDVariable w1 = sd.var("w1", Nd4j.randn(DataType.DOUBLE, 3, 64).divi(Math.sqrt(3)));
 * SDVariable b1 = sd.var("b1", Nd4j.zeros(DataType.DOUBLE, 64));
 * SDVariable h = sd.math.tanh(sd.nn.biasAdd(x.mmul(w1), b1, true));
 * SDVariable w2 = sd.var("w2", Nd4j.randn(DataType.DOUBLE, 64, 2).divi(8));
 * SDVariable out = h.mmul("output", w2);
 *
 * SameDiffNtk ntk = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
 * INDArray k = ntk.compute(x1, x2);                            // [n1, n2, 2, 2]
 *
 * SameDiffNtkListener listener = SameDiffNtkListener.builder(SameDiffNtk.of(sd, "input", "output"), probe)
 *         .everyNIterations(10).sink(NtkSinks.csv(Path.of("out/ntk.csv"))).build();
 * sd.setListeners(listener);
 * sd.fit(trainData, 5);
 * listener.close();
 * double drift = listener.latest().orElseThrow().drift();
 * }</pre>
 */
package org.ntk4j.dl4j.samediff;
