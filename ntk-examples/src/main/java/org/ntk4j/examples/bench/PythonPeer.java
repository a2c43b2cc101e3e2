package org.ntk4j.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Python peer of a benchmark: finds an interpreter that can import the needed modules, runs one of the scripts shipped
 * under {@code /peer/} in this jar, and reads the one JSON line it prints.
 */
final class PythonPeer {
    private static final List<String> CANDIDATES = List.of("python3", "/usr/bin/python3", "python");
    private final String python;
    private final Path dir;

    private PythonPeer(String python, Path dir) {
        this.python = python;
        this.dir = dir;
    }

    /**
     * @param modules Python modules the peer needs (e.g. "torch")
     * @return a peer, or empty when no interpreter on this machine imports them all
     */
    static Optional<PythonPeer> find(String... modules) {
        String probe = "import " + String.join(", ", modules);
        for (String py : CANDIDATES) {
            try {
                Process p = new ProcessBuilder(py, "-c", probe).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    Path dir = Files.createTempDirectory("ntk-peer");
                    dir.toFile().deleteOnExit();
                    return Optional.of(new PythonPeer(py, dir));
                }
            } catch (IOException e) {
                // not installed under this name
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** @return the interpreter used */
    String python() {
        return python;
    }

    /**
     * @param script a script name under {@code /peer/} in the jar
     * @param args   its arguments
     * @return the JSON line it printed
     */
    String run(String script, List<String> args) {
        try {
            Path file = dir.resolve(script);
            if (!Files.exists(file)) {
                try (InputStream in = PythonPeer.class.getResourceAsStream("/peer/" + script)) {
                    if (in == null) {
                        throw new IllegalStateException("peer script /peer/" + script + " is missing from the jar");
                    }
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                file.toFile().deleteOnExit();
            }
            List<String> cmd = new ArrayList<>(List.of(python, file.toString()));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("peer " + script + " failed: " + out.strip());
            }
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        } catch (IOException e) {
            throw new IllegalStateException("peer " + script + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * @param json a flat JSON object
     * @param key  a numeric field
     * @return its value
     */
    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*([-+0-9.eE]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no field '" + key + "' in peer output " + json);
        }
        return Double.parseDouble(m.group(1));
    }
}
