/**
 * Internals of the Arbiter width sweeps: the candidate space that puts width, seed and the training budget into
 * Arbiter's grid, the per-candidate state a {@link org.ntk4j.dl4j.arbiter.NtkTaskListener} attaches, the data and
 * output helpers of the score functions, progress logging and the plots. Not an API.
 */
package org.ntk4j.dl4j.arbiter.internal;
