/**
 * Internals of the SameDiff NTK transform: graph inspection ({@code GraphInspector} → {@code GraphPlan}), the ops
 * added to the gradient function ({@code NtkGraphBuilder}). Not API. Kernel metrics are ntk-core's
 * {@link org.ntk4j.core.kernel.KernelMetrics}.
 *
 * <pre>{@code
 * GraphPlan plan = GraphInspector.inspect(copy, "input", "output", true);     // op rules from OpRules, by op class
 * NtkGraphBuilder.Built built = NtkGraphBuilder.build(copy, plan, "output", OutputMode.TRACE);
 * }</pre>
 */
package org.ntk4j.dl4j.samediff.internal;
