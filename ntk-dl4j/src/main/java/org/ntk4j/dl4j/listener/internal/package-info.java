/**
 * Internals of the NTK listeners. {@code NtkTracker} is the tracking core both listeners share (schedule, Θ0, the
 * same-iteration guard, the snapshot log with its spectra, the sinks); a listener gives it a {@code KernelProbe} of
 * its model ({@code NetworkKernelProbe} for DL4J networks; the SameDiff one lives next to {@code SameDiffNtk}) and
 * translates its framework's callbacks. Also: the options both listener builders share ({@code SnapshotOptions}),
 * the probe features' checks ({@code ProbeFeatures}), the snapshot metrics and history ({@code SnapshotLog}), feeding
 * and closing the sinks ({@code SinkCalls}), the CSV/JSON forms of a snapshot ({@code SnapshotCodec},
 * {@code FlatJson}). Not API.
 *
 * <pre>{@code
 * SnapshotOptions options = new SnapshotOptions();
 * options.everyNIterations(10);                                    // "everyNIterations must be >= 1 (got: 0)"
 * options.sink(NtkSinks.log());
 * NtkTracker tracker = new NtkTracker("NtkListener", "an NtkListener", options, null, OutputMode.TRACE);
 * tracker.start(NetworkKernelProbe.start(ntk, net, probe, "NtkListener"), 0, 0);   // Θ0
 * tracker.afterUpdate(iteration + 1, epoch);                      // a snapshot every 10 updates
 * }</pre>
 */
package org.ntk4j.dl4j.listener.internal;
