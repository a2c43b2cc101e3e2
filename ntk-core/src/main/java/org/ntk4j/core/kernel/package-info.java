/**
 * Kernel layouts and memory budgets.
 *
 * <p>A FULL kernel has shape {@code [n1, n2, o, o]}: entry {@code [i, j, k, l]} is
 * {@code <df_k(x_i)/dθ, df_l(x'_j)/dθ>}. A TRACE kernel has shape {@code [n1, n2]} and is the <b>mean</b> over the
 * output index of the diagonal blocks (as neural-tangents does). The flattened layout {@code [n1*o, n2*o]} is
 * example-major: row {@code i*o + k}.
 *
 * <pre>{@code
 * long bytes = MemoryBudget.bytes(DataType.DOUBLE, n1, n2, o, o);
 * MemoryBudget.ofBytes(2L << 30).check("empirical NTK", bytes, "use OutputMode.TRACE or a smaller blockSize");
 * }</pre>
 */
package org.ntk4j.core.kernel;
