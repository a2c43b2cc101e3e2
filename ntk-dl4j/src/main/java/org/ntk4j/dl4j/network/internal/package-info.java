/**
 * Internals of the empirical NTK engine: the network as a list of {@link org.ntk4j.dl4j.network.internal.Unit}s
 * (layers, preprocessors, graph vertices) in topological order, one {@link org.ntk4j.dl4j.network.internal.UnitRule}
 * per layer kind, per-layer kernel factors and the tiled contraction. Not API.
 */
package org.ntk4j.dl4j.network.internal;
