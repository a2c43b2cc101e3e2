package org.ntk4j.core.io;

import java.nio.file.Path;

/**
 * What an out-of-core kernel computation wrote.
 *
 * @param path          the completed {@code .npy} file
 * @param spec          its shape ({@link KernelFileSpec#shape()}), type, tiles and fingerprint
 * @param tilesComputed tiles computed by this call
 * @param tilesResumed  tiles a previous, interrupted call had already written (kept, not recomputed)
 * @param seconds       wall-clock seconds of this call
 */
public record KernelFileResult(Path path, KernelFileSpec spec, long tilesComputed, long tilesResumed, double seconds) {
}
