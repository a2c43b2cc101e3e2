package org.ntk4j.examples.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Java code in {@code README.md} and every {@code docs/*.md} page is exactly code that a test runs: every
 * {@code ```java} block there is tagged {@code <!-- snippet:NAME -->}, and its text (normalised) equals the
 * {@code // snippet:NAME ... // end} region of a Java source of the project (the tests {@link DocSnippetsTest} and
 * {@link DocPagesSnippetsTest}, the example programs they run, two ntk-dl4j tests), each region shown in some page.
 */
class DocSnippetsMatchTest {
    /** Maven runs tests in the module folder; the docs are one level up. */
    private static final Path ROOT = Path.of("..");
    /** The folders whose Java sources may hold {@code // snippet:} regions. */
    private static final List<String> SOURCES = List.of("ntk-core", "ntk-dl4j", "ntk-spark", "ntk-examples");

    /** @return README.md and every page of docs/ */
    private static List<Path> docs() throws IOException {
        List<Path> out = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
            pages.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** @return every snippet region of the project's Java sources, by name (a name defined twice fails) */
    private static Map<String, String> snippets() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        for (String module : SOURCES) {
            Path src = ROOT.resolve(module).resolve("src");
            if (!Files.isDirectory(src)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(src)) {
                files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            }
            for (Path f : files) {
                for (Map.Entry<String, String> e : DocSnippets.source(f).entrySet()) {
                    if (all.put(e.getKey(), e.getValue()) != null) {
                        fail("snippet '" + e.getKey() + "' is defined twice (again in " + f + ")");
                    }
                }
            }
        }
        return all;
    }

    @Test
    void everyJavaBlockIsARunSnippet() throws IOException {
        Map<String, String> code = snippets();
        assertTrue(code.size() >= 17, "too few snippets found: " + code.keySet());
        Set<String> used = new HashSet<>();
        int blocksSeen = 0;
        for (Path file : docs()) {
            String doc = ROOT.relativize(file).toString();
            assertTrue(Files.isRegularFile(file), "missing " + file.toAbsolutePath().normalize());
            List<DocSnippets.Block> blocks = DocSnippets.markdown(file);
            blocksSeen += blocks.size();
            for (DocSnippets.Block b : blocks) {
                if (b.name() == null) {
                    fail(doc + " has a ```java block without a <!-- snippet:NAME --> line before it:\n" + b.code());
                }
                String expected = code.get(b.name());
                assertNotNull(expected, doc + ": snippet '" + b.name() + "' is in no // snippet: region of "
                        + SOURCES + " sources");
                assertEquals(expected, b.code(), doc + ": snippet '" + b.name() + "' differs from its source region");
                assertTrue(used.add(b.name()), "snippet '" + b.name() + "' is shown twice (again in " + doc + ")");
            }
        }
        assertTrue(blocksSeen >= 17, "too few Java blocks in the docs: " + blocksSeen);
        Set<String> unused = new HashSet<>(code.keySet());
        unused.removeAll(used);
        assertTrue(unused.isEmpty(), "snippet regions shown in no document: " + unused);
    }

    @Test
    void normalisationIgnoresIndentationOnly() {
        assertEquals("a\n  b\n", DocSnippets.normalise("\n    a\n      b   \n\n"));
        assertFalse(DocSnippets.normalise("a\nb\n").equals(DocSnippets.normalise("a\nc\n")));
    }
}
