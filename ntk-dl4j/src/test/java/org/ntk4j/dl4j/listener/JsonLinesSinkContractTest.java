package org.ntk4j.dl4j.listener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@link NtkSinks#jsonLines} keeps the {@link NtkSink} contract; what it writes reads back to the snapshots given. */
class JsonLinesSinkContractTest extends NtkSinkContract {
    @Override
    protected NtkSink sink(Path dir) {
        return NtkSinks.jsonLines(dir.resolve("out/ntk.jsonl"));
    }

    @Override
    protected List<Long> recorded(Path dir) {
        Path f = dir.resolve("out/ntk.jsonl");
        if (!Files.exists(f)) {
            return List.of();
        }
        List<NtkSnapshot> back = NtkSinks.readJsonLines(f);
        for (NtkSnapshot s : back) {
            org.junit.jupiter.api.Assertions.assertEquals(snapshot(s.iteration()), s, "read back exactly");
        }
        return back.stream().map(NtkSnapshot::iteration).toList();
    }

    @Override
    protected NtkSink unwritable(Path dir) throws IOException {
        Files.writeString(dir.resolve("file"), "not a directory");
        return NtkSinks.jsonLines(dir.resolve("file/ntk.jsonl"));
    }
}
