/**
 * Internals of the linearized network: the kernel engine ({@code KernelEngine}, {@code EmpiricalNtkEngine}: the flat
 * {@code [n1·o, n2·o]} empirical NTK), the checks of a network and of scalar settings ({@code LinearizedChecks}), and
 * the versioned zip format ({@code LinearizedFiles}). Not API: may change between releases.
 */
package org.ntk4j.dl4j.linearized.internal;
