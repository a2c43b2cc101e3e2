package org.ntk4j.examples.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Java code in {@code README.md} and {@code docs/user-guide.md} is exactly the code that
 * {@link DocSnippetsTest} runs: every {@code ```java} block there is tagged {@code <!-- snippet:NAME -->}, and its
 * text (normalised) equals the {@code // snippet:NAME} region of the test source.
 */
class DocSnippetsMatchTest {
    /** Maven runs tests in the module folder; the docs are one level up. */
    private static final Path ROOT = Path.of("..");
    private static final List<String> DOCS = List.of("README.md", "docs/user-guide.md");
    private static final Path SOURCE = Path.of("src/test/java/org/ntk4j/examples/docs/DocSnippetsTest.java");

    @Test
    void everyJavaBlockIsARunSnippet() throws IOException {
        Map<String, String> code = DocSnippets.source(SOURCE);
        assertFalse(code.isEmpty(), "no snippets in " + SOURCE);
        Set<String> used = new HashSet<>();
        for (String doc : DOCS) {
            Path file = ROOT.resolve(doc);
            assertTrue(Files.isRegularFile(file), "missing " + file.toAbsolutePath().normalize());
            List<DocSnippets.Block> blocks = DocSnippets.markdown(file);
            assertFalse(blocks.isEmpty(), doc + " has no Java block");
            for (DocSnippets.Block b : blocks) {
                if (b.name() == null) {
                    fail(doc + " has a ```java block without a <!-- snippet:NAME --> line before it:\n" + b.code());
                }
                String expected = code.get(b.name());
                assertNotNull(expected, doc + ": snippet '" + b.name() + "' is not in " + SOURCE);
                assertEquals(expected, b.code(), doc + ": snippet '" + b.name() + "' differs from " + SOURCE);
                used.add(b.name());
            }
        }
        Set<String> unused = new HashSet<>(code.keySet());
        unused.removeAll(used);
        assertTrue(unused.isEmpty(), "snippets run by the test but shown in no document: " + unused);
    }

    @Test
    void normalisationIgnoresIndentationOnly() {
        assertEquals("a\n  b\n", DocSnippets.normalise("\n    a\n      b   \n\n"));
        assertFalse(DocSnippets.normalise("a\nb\n").equals(DocSnippets.normalise("a\nc\n")));
    }
}
