package org.ntk4j.dl4j.listener;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** {@link NtkSinks#npy} (every kernel) keeps the {@link NtkSink} contract; its files hold the kernels given. */
class NpySinkContractTest extends NtkSinkContract {
    @Override
    protected NtkSink sink(Path dir) {
        return NtkSinks.npy(dir.resolve("kernels"), 1);
    }

    @Override
    protected List<Long> recorded(Path dir) throws IOException {
        Path d = dir.resolve("kernels");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(d)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            for (String n : names) {
                org.junit.jupiter.api.Assertions.assertTrue(n.matches("ntk-iteration-\\d{8}\\.npy"), "no stray file: " + n);
            }
            return names.stream().map(n -> Long.parseLong(n.substring("ntk-iteration-".length(), n.length() - 4)))
                    .toList();
        }
    }

    @Override
    protected INDArray recordedKernel(Path dir, long iteration) {
        // our own well-formed files, so ND4J's reader is safe here (see DL4J-NOTES on foreign files)
        return Nd4j.createFromNpyFile(dir.resolve(String.format("kernels/ntk-iteration-%08d.npy", iteration)).toFile());
    }

    @Override
    protected NtkSink unwritable(Path dir) throws IOException {
        Files.writeString(dir.resolve("file"), "not a directory");
        return NtkSinks.npy(dir.resolve("file"), 1);
    }
}
