/**
 * Array files read exactly or refused: NumPy {@code .npy}/{@code .npz} (every layout and numeric type numpy writes)
 * and CSV, written atomically. {@link org.ntk4j.core.io.ArrayFiles} is the entry point; refusals are
 * {@link org.ntk4j.core.io.ArrayFormatException}s naming the file, the problem and the fix.
 *
 * <pre>{@code
 * INDArray x = ArrayFiles.read(Path.of("features.npy"));        // [n, d], C order
 * ArrayFiles.write(kernel, Path.of("k.npy"));                   // temporary file + rename
 * }</pre>
 */
package org.ntk4j.core.io;
