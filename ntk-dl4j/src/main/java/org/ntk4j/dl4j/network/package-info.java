/**
 * What the NTK engine needs of a DL4J network, one implementation per network kind:
 * {@link org.ntk4j.dl4j.network.NetworkAdapter} (the network's data type, its inputs, and the engine's plan of
 * units over a private twin that shares the network's parameter array read-only) and
 * {@link org.ntk4j.dl4j.network.NetworkAdapters}, the one registry keyed by network class (MultiLayerNetwork,
 * ComputationGraph). The per-layer derivative rules and the engine itself are in {@code network.internal}.
 *
 * <pre>{@code
 * NetworkAdapter adapter = NetworkAdapters.of(net);   // IllegalArgumentException for an unsupported model
 * DataType type = adapter.dataType();                  // FLOAT unless the configuration says otherwise
 * }</pre>
 *
 * <p>Adding a network kind: implement {@code NetworkAdapter} and register its class in {@code NetworkAdapters}; no
 * other code branches on the network type.
 */
package org.ntk4j.dl4j.network;
