package org.ntk4j.examples.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.listener.NtkSinks;
import org.ntk4j.dl4j.listener.NtkSnapshot;
import org.ntk4j.examples.NtkCli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code ntk demo --tiny} and checks every file it writes. The full-size demo is not part of the suite. */
class CircleDemoSmokeTest extends NtkTestBase {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    @Test
    void tinyDemoWritesEveryFileWellFormed() throws IOException {
        Path out = dir.resolve("out");
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = NtkCli.execute("demo", "--tiny", "--out", out.toString());
        } finally {
            System.setOut(old);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        assertTrue(printed.contains("linearization slope"), printed);

        DemoSettings s = DemoSettings.tiny();
        Set<String> checked = new TreeSet<>();
        for (String f : CircleDemo.files()) {
            checked.add(f);
            assertTrue(Files.isRegularFile(out.resolve(f)), "missing " + f);
        }
        for (String png : List.of(CircleDemo.FIG1, CircleDemo.FIG2, CircleDemo.LINEARIZATION)) {
            assertPng(out.resolve(png), Charts.WIDTH, Charts.HEIGHT);
        }
        for (int w : s.kernelWidths()) {
            Path wd = out.resolve("width-" + w);
            for (String png : List.of("drift.png", "spectrum.png", "eigenvalues.png")) {
                assertPng(wd.resolve(png), 0, 0);
                checked.add("width-" + w + "/" + png);
            }
            // the NTK tracked while the first network trained: snapshots from iteration 0 to the last step
            List<NtkSnapshot> snaps = NtkSinks.readCsv(wd.resolve("snapshots.csv"));
            assertTrue(snaps.size() >= 2, "width-" + w + "/snapshots.csv: " + snaps.size() + " snapshots");
            assertEquals(0, snaps.get(0).iteration());
            assertEquals(s.steps(), snaps.get(snaps.size() - 1).iteration());
            checked.add("width-" + w + "/snapshots.csv");
        }
        try (Stream<Path> all = Files.walk(out)) {
            Set<String> written = all.filter(Files::isRegularFile)
                    .map(p -> out.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(checked, written, "the demo wrote files this test does not check, or missed some");
        }
        if (out.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Path plain = dir.resolve("plain.txt");
            Files.newOutputStream(plain).close();     // what any program creates (the umask applies)
            for (String f : checked) {
                assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out.resolve(f)),
                        f + " has other permissions than a new file (owner-only?)");
            }
        }
        try (var files = Files.list(out)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left");
        }

        int nets1 = s.kernelWidths().length * s.kernelSeeds();
        int nets2 = s.sweepWidths().length * s.sweepSeeds();
        List<String[]> kernels = csv(out.resolve(CircleDemo.KERNELS_CSV), 2 + 2 * nets1, s.gridPoints());
        assertEquals("gamma", kernels.get(0)[0]);
        assertEquals("theta_limit", kernels.get(0)[1]);
        assertEquals("theta_init_w" + s.kernelWidths()[0] + "_s0", kernels.get(0)[2]);
        List<String[]> functions = csv(out.resolve(CircleDemo.FUNCTIONS_CSV), 4 + nets2, s.gridPoints());
        assertArrayEquals(new String[]{"gamma", "gp_p50", "gp_p10", "gp_p90"},
                Arrays.copyOf(functions.get(0), 4));
        for (String[] row : functions.subList(1, functions.size())) {
            double p50 = Double.parseDouble(row[1]), p10 = Double.parseDouble(row[2]), p90 = Double.parseDouble(row[3]);
            assertTrue(p10 <= p50 && p50 <= p90, "percentiles out of order: " + String.join(",", row));
        }
        List<String[]> lin = csv(out.resolve(CircleDemo.LINEARIZATION_CSV), 5, nets2);
        assertArrayEquals(new String[]{"width", "seed", "ratio", "loss_end", "seconds"}, lin.get(0));
        // the same numbers through the array reader (header row detected): widths and seeds of the sweep
        INDArray linTable = ArrayFiles.read(out.resolve(CircleDemo.LINEARIZATION_CSV));
        assertArrayEquals(new long[]{nets2, 5}, linTable.shape());
        for (int i = 0; i < nets2; i++) {
            int w = (int) linTable.getDouble(i, 0);
            assertTrue(Arrays.stream(s.sweepWidths()).anyMatch(x -> x == w), "width " + w);
            assertTrue(linTable.getDouble(i, 2) > 0, "ratio of row " + i);
        }
        // Fig. 1's grid: γ increasing over [−π, π]; every Θ positive (ReLU networks on the unit circle)
        INDArray kTable = ArrayFiles.read(out.resolve(CircleDemo.KERNELS_CSV));
        assertArrayEquals(new long[]{s.gridPoints(), 2 + 2 * nets1}, kTable.shape());
        assertEquals(-Math.PI, kTable.getDouble(0, 0), 1e-12);
        assertEquals(Math.PI, kTable.getDouble(s.gridPoints() - 1, 0), 1e-12);
        for (int i = 1; i < s.gridPoints(); i++) {
            assertTrue(kTable.getDouble(i, 0) > kTable.getDouble(i - 1, 0), "γ not increasing at row " + i);
        }
        assertTrue(kTable.getColumns(java.util.stream.IntStream.range(1, 2 + 2 * nets1).toArray())
                .minNumber().doubleValue() > 0, "a non-positive Θ in " + CircleDemo.KERNELS_CSV);

        String md = Files.readString(out.resolve(CircleDemo.REPORT_MD));
        String html = Files.readString(out.resolve(CircleDemo.REPORT_HTML));
        List<String> mdLinks = links(md, Pattern.compile("\\]\\(([^)\\s]+)\\)"));
        List<String> htmlLinks = links(html, Pattern.compile("(?:src|href)=\"([^\"]+)\""));
        for (String png : List.of(CircleDemo.FIG1, CircleDemo.FIG2, CircleDemo.LINEARIZATION)) {
            assertTrue(mdLinks.contains(png), "report.md does not show " + png);
            assertTrue(htmlLinks.contains(png), "report.html does not show " + png);
        }
        for (String link : concat(mdLinks, htmlLinks)) {
            assertFalse(link.contains("://") || link.startsWith("/"), "not a relative link: " + link);
            assertTrue(Files.exists(out.resolve(link)), "broken link " + link);
        }
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.trim().endsWith("</html>"));
        assertFalse(html.contains("<script"), "the report must open without scripts");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> links(String text, Pattern p) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Checks the signature, the IHDR chunk and (when given) the pixel size. */
    private static void assertPng(Path file, int width, int height) throws IOException {
        byte[] b = Files.readAllBytes(file);
        assertTrue(b.length > 5000, file + " is only " + b.length + " bytes");
        assertArrayEquals(PNG, Arrays.copyOf(b, 8), file + " is not a PNG");
        assertEquals("IHDR", new String(b, 12, 4, StandardCharsets.US_ASCII), file + ": no IHDR");
        if (width > 0) {
            ByteBuffer bb = ByteBuffer.wrap(b, 16, 8);
            assertEquals(width, bb.getInt(), file + " width");
            assertEquals(height, bb.getInt(), file + " height");
        }
    }

    /** Reads a CSV, checks the column count of every row, that all but the header are finite numbers. */
    private static List<String[]> csv(Path file, int columns, int rows) throws IOException {
        List<String> lines = Files.readAllLines(file);
        assertEquals(rows + 1, lines.size(), file + " rows");
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] c = lines.get(i).split(",", -1);
            assertEquals(columns, c.length, file + " line " + (i + 1) + ": " + lines.get(i));
            if (i > 0) {
                for (String v : c) {
                    assertTrue(Double.isFinite(Double.parseDouble(v)), file + " line " + (i + 1) + ": " + v);
                }
            }
            out.add(c);
        }
        return out;
    }
}
