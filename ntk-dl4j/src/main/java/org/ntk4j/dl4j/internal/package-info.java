/**
 * Internals shared by the packages of ntk-dl4j: the argument checks of the validated builders and feature checks
 * ({@code Checks}), with their {@code "(got: x)"} messages; and the computations behind {@code EmpiricalNtk}: the plan
 * cache, validation and in-memory run ({@code EmpiricalRunner}), the planned job ({@code EmpiricalJob}), its tiles
 * ({@code EmpiricalTiles}) and the out-of-core file path ({@code EmpiricalOutOfCore}, {@code EmpiricalFiles}). Not API.
 *
 * <pre>{@code
 * this.blockSize = Checks.positive("blockSize", blockSize);          // "blockSize must be > 0 (got: 0)"
 * this.mode = Checks.notNull("outputMode", mode);                   // "outputMode must not be null (got: null)"
 * if (x.dataType().isFPType() && !Checks.finite(x)) { ... }         // NaN or infinite values
 * }</pre>
 */
package org.ntk4j.dl4j.internal;
