/**
 * Internals of the NTK listeners: the options both listener builders share ({@code SnapshotOptions}), feeding and
 * closing the sinks ({@code SinkCalls}), the CSV/JSON forms of a snapshot ({@code SnapshotCodec}, {@code FlatJson}).
 * Not API.
 *
 * <pre>{@code
 * SnapshotOptions options = new SnapshotOptions();
 * options.everyNIterations(10);                                    // "everyNIterations must be >= 1 (got: 0)"
 * options.sink(NtkSinks.log());
 * SinkCalls.deliver(options.sinks(), "NtkListener", iteration, snapshot, kernel);
 * }</pre>
 */
package org.ntk4j.dl4j.listener.internal;
