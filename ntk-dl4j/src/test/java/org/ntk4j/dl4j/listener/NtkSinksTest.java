package org.ntk4j.dl4j.listener;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.OutputMode;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sinks and the report: files parse back to the same snapshots, kernels and plots are valid files. */
class NtkSinksTest extends NtkTestBase {
    @TempDir
    Path dir;

    private NtkListener trained(Map<Long, INDArray> kernels, boolean labels, NtkSink... sinks) {
        MultiLayerNetwork net = ListenerNets.mlp(DataType.FLOAT, 60, false);
        DataSet probe = ListenerNets.data(DataType.FLOAT, 61, 8);
        NtkListener.Builder b = labels ? NtkListener.builder(probe) : NtkListener.builder(probe.getFeatures());
        b.everyNIterations(2).sink((s, k) -> kernels.put(s.iteration(), k.dup()));
        for (NtkSink s : sinks) {
            b.sink(s);
        }
        NtkListener l = b.build();
        net.addListeners(l);
        net.fit(ListenerNets.iterator(DataType.FLOAT, 62, 3, 4), 2);
        l.close();
        return l;
    }

    @Test
    void csvAndJsonLinesReadBackToTheSameSnapshots() throws IOException {
        Path csv = dir.resolve("sub/ntk.csv"), json = dir.resolve("ntk.jsonl");
        NtkListener l = trained(new LinkedHashMap<>(), true, NtkSinks.csv(csv), NtkSinks.jsonLines(json));
        List<NtkSnapshot> h = l.history();
        assertEquals(4, h.size());
        assertEquals(h, NtkSinks.readCsv(csv));
        assertEquals(h, NtkSinks.readJsonLines(json));

        // read the CSV by hand: header names and values by column
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertEquals(List.of("iteration", "epoch", "time", "drift", "changeSincePrevious", "trace", "lambdaMax",
                "lambdaMin", "conditionNumber", "effectiveRank", "alignment", "parameterChange",
                "maxStableLearningRate", "seconds"), header);
        assertEquals(h.size() + 1, lines.size());
        for (int i = 0; i < h.size(); i++) {
            String[] cells = lines.get(i + 1).split(",");
            assertEquals(h.get(i).iteration(), Long.parseLong(cells[header.indexOf("iteration")]));
            assertEquals(h.get(i).drift(), Double.parseDouble(cells[header.indexOf("drift")]), 0.0);
            assertEquals(h.get(i).alignment(), Double.parseDouble(cells[header.indexOf("alignment")]), 0.0);
            assertEquals(h.get(i).time(), Instant.parse(cells[header.indexOf("time")]));
        }
        assertEquals("NaN", lines.get(1).split(",")[header.indexOf("changeSincePrevious")]);
        String first = Files.readAllLines(json, StandardCharsets.UTF_8).get(0);
        assertTrue(first.startsWith("{\"iteration\":0,\"epoch\":0,\"time\":\""), first);
        assertTrue(first.contains("\"drift\":0.0,\"changeSincePrevious\":\"NaN\","), first);
    }

    @Test
    void nonFiniteAndExtremeValuesRoundTrip() throws IOException {
        NtkSnapshot odd = new NtkSnapshot(7, 1, Instant.parse("2026-01-02T03:04:05.123456789Z"), 1e-300,
                Double.NaN, 12.5, 3.0, -1e-17, Double.POSITIVE_INFINITY, 1.0, -0.25, Double.MIN_VALUE, Double.NaN,
                0.1 + 0.2);
        NtkSnapshot neg = new NtkSnapshot(8, 1, Instant.EPOCH, Double.NEGATIVE_INFINITY, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Path csv = dir.resolve("odd.csv"), json = dir.resolve("odd.jsonl");
        try (NtkSink c = NtkSinks.csv(csv); NtkSink j = NtkSinks.jsonLines(json)) {
            for (NtkSnapshot s : List.of(odd, neg)) {
                c.accept(s, Nd4j.eye(2));
                j.accept(s, Nd4j.eye(2));
            }
        }
        assertEquals(List.of(odd, neg), NtkSinks.readCsv(csv));
        assertEquals(List.of(odd, neg), NtkSinks.readJsonLines(json));
        assertTrue(Files.readString(json).contains("\"conditionNumber\":\"Infinity\""));
        assertTrue(Files.readString(json).contains("\"drift\":\"-Infinity\""));
    }

    @Test
    void aClosedFileSinkAppendsWhenUsedAgain() throws IOException {
        Path csv = dir.resolve("again.csv");
        NtkSink sink = NtkSinks.csv(csv);
        NtkSnapshot a = new NtkSnapshot(1, 0, Instant.EPOCH, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        NtkSnapshot b = new NtkSnapshot(2, 0, Instant.EPOCH, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        sink.accept(a, Nd4j.eye(2));
        sink.close();
        sink.accept(b, Nd4j.eye(2));
        sink.close();
        assertEquals(List.of(a, b), NtkSinks.readCsv(csv));
        assertEquals(3, Files.readAllLines(csv).size(), "one header");
        // a new sink on the same path starts the file again
        NtkSink fresh = NtkSinks.csv(csv);
        fresh.accept(b, Nd4j.eye(2));
        fresh.close();
        assertEquals(List.of(b), NtkSinks.readCsv(csv));
    }

    @Test
    void malformedFilesNameTheLine() throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "iteration,epoch\n1,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NtkSinks.readCsv(csv));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("time"), e.getMessage());
        Path json = dir.resolve("bad.jsonl");
        Files.writeString(json, "{\"iteration\":1,\n");
        e = assertThrows(IllegalArgumentException.class, () -> NtkSinks.readJsonLines(json));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        Path json2 = dir.resolve("bad2.jsonl");
        Files.writeString(json2, "{\"iteration\":\"x\"}\n");
        e = assertThrows(IllegalArgumentException.class, () -> NtkSinks.readJsonLines(json2));
        assertTrue(e.getMessage().contains("(got: x)"), e.getMessage());
        assertThrows(UncheckedIOException.class, () -> NtkSinks.readCsv(dir.resolve("missing.csv")));
    }

    @Test
    void npyKernelsEveryKSnapshots() {
        Map<Long, INDArray> kernels = new LinkedHashMap<>();
        Path npy = dir.resolve("kernels");
        trained(kernels, false, NtkSinks.npy(npy, 2));
        assertEquals(List.of(0L, 2L, 4L, 6L), List.copyOf(kernels.keySet()));
        for (long it : List.of(0L, 4L)) {
            Path f = npy.resolve(String.format("ntk-iteration-%08d.npy", it));
            assertTrue(Files.isRegularFile(f), f.toString());
            NtkAssertions.assertBitIdentical(kernels.get(it), Nd4j.createFromNpyFile(f.toFile()), "kernel " + it);
        }
        for (long it : List.of(2L, 6L)) {
            assertFalse(Files.exists(npy.resolve(String.format("ntk-iteration-%08d.npy", it))));
        }
        try (var files = Files.list(npy)) {
            assertEquals(2, files.count(), "no temporary files left");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void logSinkWritesOneLinePerSnapshot() {
        Logger logger = (Logger) LoggerFactory.getLogger(NtkSinks.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ch.qos.logback.classic.Level old = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        logger.addAppender(appender);
        try {
            trained(new LinkedHashMap<>(), true, NtkSinks.log());
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(old);
        }
        List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("NTK iteration")).collect(Collectors.toList());
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("NTK iteration 0 epoch 0: drift 0.000"), lines.get(0));
        assertTrue(lines.get(3).startsWith("NTK iteration 6 epoch 1: drift"), lines.get(3));
    }

    @Test
    void reportWritesValidPngs() throws IOException {
        NtkListener withLabels = trained(new LinkedHashMap<>(), true);
        NtkReport r = withLabels.writeReport(dir.resolve("report"));
        List<String> names = r.files().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("drift.png", "spectrum.png", "eigenvalues.png", "alignment.png", "snapshots.csv"), names);
        for (Path p : r.files()) {
            assertTrue(Files.size(p) > 0, p.toString());
            if (p.toString().endsWith(".png")) {
                BufferedImage img = ImageIO.read(p.toFile());
                assertNotNull(img, p + " is a readable PNG");
                assertEquals(900, img.getWidth());
                assertEquals(560, img.getHeight());
            }
        }
        assertEquals(withLabels.history(), NtkSinks.readCsv(r.directory().resolve("snapshots.csv")));
        try (var files = Files.list(r.directory())) {
            assertEquals(5, files.count(), "no temporary files left");
        }

        // without labels: no alignment plot; from a history alone: no spectrum plot
        NtkListener noLabels = trained(new LinkedHashMap<>(), false, NtkSinks.csv(dir.resolve("h.csv")));
        List<String> n2 = noLabels.writeReport(dir.resolve("r2")).files().stream()
                .map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("drift.png", "spectrum.png", "eigenvalues.png", "snapshots.csv"), n2);
        List<String> n3 = NtkReport.write(NtkSinks.readCsv(dir.resolve("h.csv")), dir.resolve("r3")).files().stream()
                .map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("drift.png", "eigenvalues.png", "snapshots.csv"), n3);
        assertNotNull(ImageIO.read(dir.resolve("r3/drift.png").toFile()));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NtkListener.builder(Nd4j.zeros(2, 3)).build().writeReport(dir.resolve("r4")));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void fullModeKernelsGoToTheSinks() {
        MultiLayerNetwork net = ListenerNets.mlp(DataType.DOUBLE, 63, false);
        Map<Long, INDArray> kernels = new LinkedHashMap<>();
        NtkListener l = NtkListener.builder(ListenerNets.data(DataType.DOUBLE, 64, 5)).outputMode(OutputMode.FULL)
                .everyNIterations(1).sink((s, k) -> kernels.put(s.iteration(), k.dup())).build();
        net.addListeners(l);
        net.fit(ListenerNets.data(DataType.DOUBLE, 65, 6));
        assertEquals(2, kernels.size());
        assertEquals(List.of(5L, 5L, 2L, 2L), Arrays.stream(kernels.get(1L).shape()).boxed().toList());
        NtkAssertions.assertBitIdentical(kernels.get(1L), l.latestKernel(), "the sink saw the latest kernel");
    }
}
