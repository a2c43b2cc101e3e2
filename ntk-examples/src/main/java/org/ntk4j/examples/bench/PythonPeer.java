package org.ntk4j.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
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

    /** @return the command line running a script under {@code /peer/} (copied out of the jar on first use) */
    private List<String> command(String script, List<String> args) throws IOException {
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
        return cmd;
    }

    /**
     * A peer process that times one call per request, so that a benchmark can alternate it with its own calls (both
     * then see the same machine state; the script must support {@code --serve}).
     */
    final class Server implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final PrintStream in;

        private Server(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        /** @return the peer's seconds for one call */
        double once() {
            in.println("run");
            return Double.parseDouble(line());
        }

        private String line() {
            try {
                String l = out.readLine();
                if (l == null) {
                    throw new IllegalStateException("peer server ended: exit " + process.waitFor());
                }
                return l.strip();
            } catch (IOException e) {
                throw new IllegalStateException("peer server: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public void close() {
            in.println("quit");
            in.close();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @param script a script name under {@code /peer/} supporting {@code --serve}
     * @param args   its arguments (without {@code --serve})
     * @return the started server, after its warm-up
     */
    Server serve(String script, List<String> args) {
        try {
            List<String> cmd = command(script, args);
            cmd.add("--serve");
            Server s = new Server(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start());
            String first = s.line();
            if (!first.equals("ready")) {
                s.close();
                throw new IllegalStateException("peer " + script + " did not start: " + first);
            }
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("peer " + script + " could not run: " + e.getMessage(), e);
        }
    }

    /**
     * @param script a script name under {@code /peer/} in the jar
     * @param args   its arguments
     * @return the JSON line it printed
     */
    String run(String script, List<String> args) {
        try {
            List<String> cmd = command(script, args);
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
