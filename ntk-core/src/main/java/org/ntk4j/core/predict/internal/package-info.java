/**
 * Internals of the predictors: checks of scalar arguments with the value in the message ({@code Arguments}), the
 * shape checks and {@code [n, o] ↔ [n·o, 1]} example-major conversions ({@code Shapes}), and the spectral functions
 * of gradient flow and gradient descent on the regularised training kernel ({@code Spectral}). Not API.
 *
 * <pre>{@code
 * INDArray y = Shapes.outputs(targets, "targets", DataType.DOUBLE);   // [n] read as [n, 1]
 * }</pre>
 */
package org.ntk4j.core.predict.internal;
