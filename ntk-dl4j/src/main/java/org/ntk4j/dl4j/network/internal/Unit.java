package org.ntk4j.dl4j.network.internal;

/**
 * One step of a network in topological order.
 *
 * @param name   layer or vertex name, for messages
 * @param inputs value ids of its inputs (ids below the plan's input count are network inputs)
 * @param output the value id of its output
 * @param rule   how it runs
 */
public record Unit(String name, int[] inputs, int output, UnitRule rule) {
}
