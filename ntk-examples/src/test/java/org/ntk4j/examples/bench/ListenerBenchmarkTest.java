package org.ntk4j.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny run of the listener benchmark, so that its entry point keeps working (no timing is asserted). */
class ListenerBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void tinyRunProducesMeasurementsAndAReport() {
        ListenerBenchmark.Config c = new ListenerBenchmark.Config(20, 1, 0, 16, 8, 10, 16, 3, dir.resolve("report"));
        ListenerBenchmark.Result r = ListenerBenchmark.run(c);
        assertEquals(3, r.snapshots(), "Θ0, iteration 10, iteration 20");
        assertEquals(1, r.secondsWith().length);
        assertTrue(r.secondsWithout()[0] > 0 && r.medianSnapshotSeconds() > 0);
        assertTrue(Double.isFinite(r.overhead()) && Double.isFinite(r.snapshotShare()));
        assertTrue(r.finalDrift() > 0);
        assertTrue(r.summary().contains("NtkListener overhead"), r.summary());
        assertTrue(Files.isRegularFile(dir.resolve("report/drift.png")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ListenerBenchmark.Config(0, 1, 0, 16, 8, 10, 16, 3, null));
        assertTrue(e.getMessage().contains("iterations 0"), e.getMessage());
    }
}
