/**
 * Tracking the empirical NTK of a DL4J network during training.
 *
 * <p>{@link org.ntk4j.dl4j.listener.NtkListener} is a DL4J {@code TrainingListener}: attach it to a MultiLayerNetwork
 * or ComputationGraph and it records, on a fixed probe set, how the kernel moves away from its initial value (lazy
 * training versus feature learning), its spectrum, its alignment with the labels and the largest stable learning rate,
 * as immutable {@link org.ntk4j.dl4j.listener.NtkSnapshot}s. {@link org.ntk4j.dl4j.listener.NtkSinks} writes them as
 * CSV, JSON lines, log lines or {@code .npy} kernels; {@link org.ntk4j.dl4j.listener.NtkReport} draws PNG plots.
 *
 * <pre>{@code
 * DataSet probe = trainData.sample(128);                  // a fixed subset of the training data
 * NtkListener ntk = NtkListener.builder(probe)             // features and labels
 *         .everyNIterations(100)
 *         .sink(NtkSinks.csv(Path.of("out/ntk.csv")))
 *         .build();
 * net.addListeners(ntk);
 * net.fit(trainIterator, 5);
 * log.info("NTK drift {}", ntk.latest().orElseThrow().drift());
 * ntk.writeReport(Path.of("out/ntk-report"));
 * }</pre>
 */
package org.ntk4j.dl4j.listener;
