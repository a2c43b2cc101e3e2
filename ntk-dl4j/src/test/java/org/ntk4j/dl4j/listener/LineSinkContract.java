package org.ntk4j.dl4j.listener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@link NtkSink} contract for the sinks that write one line per snapshot to a text file, read back with the
 * matching reader of {@link NtkSinks}; what they write must read back to exactly the snapshots given.
 */
abstract class LineSinkContract extends NtkSinkContract {
    private final String fileName;
    private final Function<Path, NtkSink> factory;
    private final Function<Path, List<NtkSnapshot>> reader;

    /**
     * @param fileName the file's name below the test directory's {@code out/}
     * @param factory  the sink for a file
     * @param reader   reads that file back
     */
    LineSinkContract(String fileName, Function<Path, NtkSink> factory, Function<Path, List<NtkSnapshot>> reader) {
        this.fileName = fileName;
        this.factory = factory;
        this.reader = reader;
    }

    @Override
    protected NtkSink sink(Path dir) {
        return factory.apply(dir.resolve("out").resolve(fileName));
    }

    @Override
    protected List<Long> recorded(Path dir) {
        Path f = dir.resolve("out").resolve(fileName);
        if (!Files.exists(f)) {
            return List.of();
        }
        List<NtkSnapshot> back = reader.apply(f);
        for (NtkSnapshot s : back) {
            assertEquals(snapshot(s.iteration()), s, "read back exactly");
        }
        return back.stream().map(NtkSnapshot::iteration).toList();
    }

    @Override
    protected NtkSink unwritable(Path dir) throws IOException {
        Files.writeString(dir.resolve("file"), "not a directory");
        return factory.apply(dir.resolve("file").resolve(fileName));
    }
}
