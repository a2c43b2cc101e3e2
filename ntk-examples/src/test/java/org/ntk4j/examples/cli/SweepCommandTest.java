package org.ntk4j.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.examples.NtkCli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ntk sweep}: a tiny Arbiter sweep on the built-in data, and bad flags. */
class SweepCommandTest extends NtkTestBase {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = NtkCli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void tinySweepWritesCsvPlotsAndJson() throws Exception {
        Path out = dir.resolve("sweep");
        Result r = run("sweep", "--widths", "16,64", "--steps", "10", "--seeds", "1", "--depth", "1",
                "--activation", "tanh", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        String json = r.out().strip();
        assertFalse(json.contains("\n"), json);
        assertTrue(json.startsWith("{\"drift_slope\":") && json.contains("\"gap_slope\":")
                && json.contains("\"drift_slope_low\":") && json.contains("\"gap_slope_high\":"), json);
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(3, csv.size());
        for (String col : new String[]{"width", "seed", "drift", "gap", "test_loss"}) {
            assertTrue(csv.get(0).contains(col), csv.get(0));
        }
        assertTrue(Files.size(out.resolve("drift-vs-width.png")) > 1000);
        assertTrue(Files.size(out.resolve("gap-vs-width.png")) > 1000);
    }

    @Test
    void badFlagsGiveOneLine() {
        for (String[] args : new String[][]{
                {"sweep", "--widths", "64", "--out", dir.toString()},
                {"sweep", "--steps", "0", "--out", dir.toString()},
                {"sweep", "--activation", "nope", "--out", dir.toString()},
                {"sweep", "--lr", "-1", "--out", dir.toString()}}) {
            Result r = run(args);
            assertEquals(2, r.code(), String.join(" ", args));
            String line = r.err().strip();
            assertTrue(line.startsWith("ntk sweep: error: ") && !line.contains("\n"), line);
        }
    }
}
