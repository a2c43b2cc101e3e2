/**
 * Kernel layouts, memory budgets and kernel metrics.
 *
 * <p>A FULL kernel has shape {@code [n1, n2, o, o]}: entry {@code [i, j, k, l]} is
 * {@code <df_k(x_i)/dθ, df_l(x'_j)/dθ>}. A TRACE kernel has shape {@code [n1, n2]} and is the <b>mean</b> over the
 * output index of the diagonal blocks (as neural-tangents does). The flattened layout {@code [n1*o, n2*o]} is
 * example-major: row {@code i*o + k}.
 *
 * <pre>{@code
 * long bytes = MemoryBudget.bytes(DataType.DOUBLE, n1, n2, o, o);
 * MemoryBudget.ofBytes(2L << 30).check("empirical NTK", bytes, "use OutputMode.TRACE or a smaller blockSize");
 *
 * double drift = KernelMetrics.relativeDrift(kt, k0);          // ||Θt − Θ0||_F / ||Θ0||_F
 * KernelSpectrum s = KernelMetrics.spectrum(kt);               // λmax, λmin, condition number, effective rank
 * double a = KernelMetrics.centredAlignment(kt, labels);       // centred kernel-target alignment
 * double eta = KernelMetrics.maxStableLearningRate(fullKernel); // n·o / λmax, DL4J's MSE normalisation
 * }</pre>
 */
package org.ntk4j.core.kernel;
