package org.ntk4j.examples.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the code snippets of the documentation and of the test sources that run them.
 *
 * <p>In Markdown a snippet is a {@code ```java} block directly preceded by the line {@code <!-- snippet:NAME -->}; in
 * a test source it is the lines between {@code // snippet:NAME} and {@code // end}. Both are normalised the same way
 * (common indentation removed, trailing blanks dropped) before they are compared.
 */
final class DocSnippets {
    private static final Pattern MD = Pattern.compile(
            "(?:<!--\\s*snippet:([\\w-]+)\\s*-->\\s*\\n)?```java[^\\n]*\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Pattern START = Pattern.compile("^\\s*// snippet:([\\w-]+)\\s*$");
    private static final Pattern END = Pattern.compile("^\\s*// end\\s*$");

    /** A Java block of a Markdown file: its tag (null when untagged) and code. */
    record Block(String file, String name, String code) {
    }

    private DocSnippets() {
    }

    static List<Block> markdown(Path file) throws IOException {
        String text = Files.readString(file).replace("\r\n", "\n");
        List<Block> out = new ArrayList<>();
        Matcher m = MD.matcher(text);
        while (m.find()) {
            out.add(new Block(file.getFileName().toString(), m.group(1), normalise(m.group(2))));
        }
        return out;
    }

    static Map<String, String> source(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            Matcher s = START.matcher(lines.get(i));
            if (!s.matches()) {
                continue;
            }
            StringBuilder b = new StringBuilder();
            int j = i + 1;
            while (j < lines.size() && !END.matcher(lines.get(j)).matches()) {
                b.append(lines.get(j)).append('\n');
                j++;
            }
            if (j == lines.size()) {
                throw new IllegalStateException(file + ": snippet " + s.group(1) + " has no '// end'");
            }
            if (out.put(s.group(1), normalise(b.toString())) != null) {
                throw new IllegalStateException(file + ": snippet " + s.group(1) + " defined twice");
            }
            i = j;
        }
        return out;
    }

    /** Removes the common indentation and trailing whitespace, and blank lines at both ends. */
    static String normalise(String code) {
        List<String> lines = new ArrayList<>(List.of(code.replace("\t", "    ").split("\n", -1)));
        lines.replaceAll(String::stripTrailing);
        while (!lines.isEmpty() && lines.get(0).isEmpty()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isEmpty()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l.isEmpty() ? "" : l.substring(indent)).append('\n');
        }
        return b.toString();
    }
}
