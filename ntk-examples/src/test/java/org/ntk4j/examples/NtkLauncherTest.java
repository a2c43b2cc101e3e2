package org.ntk4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code ./ntk} launcher script on its first use, with stand-ins for {@code mvn} (which writes terminal colour codes,
 * as Maven does even in batch mode) and {@code java}: whatever Maven prints, the user sees no escape sequence — on
 * success only the launcher's own line, on failure the ERROR lines without colour codes and exit 2.
 */
class NtkLauncherTest {
    private static final String ESC = "\u001b";

    @TempDir
    Path dir;

    private record Run(int code, String output) {
    }

    /** Copies the launcher into a fresh project folder and runs it with fake mvn/java first on the PATH. */
    private Run launch(String mvnBody) throws IOException, InterruptedException {
        Path script = Path.of("..", "ntk");
        assumeTrue(Files.isRegularFile(script) && Files.isRegularFile(Path.of("/bin/bash")), "needs ../ntk and bash");
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.copy(script, project.resolve("ntk"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        executable(bin.resolve("mvn"), "#!/bin/bash\n" + mvnBody);
        executable(bin.resolve("java"), "#!/bin/bash\n"
                + "if [ \"$1\" = -version ]; then echo 'openjdk version \"17.0.1\"' >&2; exit 0; fi\n"
                + "echo \"java ran: ${@: -1}\"\n");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", project.resolve("ntk").toString(), "--help")
                .redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("TMPDIR", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not finish");
        return new Run(p.exitValue(), out);
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void firstBuildPrintsNoColourCodes() throws Exception {
        Run r = launch("printf '\\033[1m[INFO] Building\\033[0m\\n\\033[0m\\033[0m'\n"
                + "mkdir -p ntk-examples/target && touch ntk-examples/target/ntk.jar\n");
        assertEquals(0, r.code(), r.output());
        assertFalse(r.output().contains(ESC), "escape sequence in: " + r.output().replace(ESC, "<ESC>"));
        assertFalse(r.output().contains("[INFO]"), "Maven's output leaked: " + r.output());
        assertTrue(r.output().contains("ntk: building the command-line tool"), r.output());
        assertTrue(r.output().contains("java ran: --help"), "the CLI did not start: " + r.output());
    }

    @Test
    void failedBuildShowsTheErrorsWithoutColourCodesAndExits2() throws Exception {
        Run r = launch("printf '\\033[1;31m[ERROR] COMPILATION ERROR: Foo.java:[3,1]\\033[0m\\n"
                + "\\033[1;31m[INFO] BUILD FAILURE\\033[0m\\n'\nexit 1\n");
        assertEquals(2, r.code(), r.output());
        assertFalse(r.output().contains(ESC), "escape sequence in: " + r.output().replace(ESC, "<ESC>"));
        assertTrue(r.output().contains("[ERROR] COMPILATION ERROR: Foo.java:[3,1]"), r.output());
        assertTrue(r.output().contains("ntk: build failed; full log:"), r.output());
        assertFalse(r.output().contains("java ran"), r.output());
    }
}
