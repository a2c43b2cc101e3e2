/**
 * Internals of kernel tiling: the one tile loop ({@link org.ntk4j.core.kernel.internal.TileScheduler}) that the
 * empirical, SameDiff and analytic kernels run, and its in-memory sink. Not API.
 */
package org.ntk4j.core.kernel.internal;
