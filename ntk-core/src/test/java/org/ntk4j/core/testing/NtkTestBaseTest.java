package org.ntk4j.core.testing;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The base's promises: seeded RNG, DOUBLE defaults and a silent stdout during a test, both put back after it. */
class NtkTestBaseTest extends NtkTestBase {

    /** A second instance whose lifecycle methods this test drives by hand, around a FLOAT default and a known stdout. */
    private static final class Probe extends NtkTestBase {
    }

    @Test
    void insideATestDefaultsAreDoubleAndStdoutIsSilent() {
        assertEquals(DataType.DOUBLE, Nd4j.dataType());
        assertEquals(DataType.DOUBLE, Nd4j.defaultFloatingPointType());
        double first = Nd4j.getRandom().nextDouble(); // the first draw after the base's seeding
        Nd4j.getRandom().setSeed(SEED);
        assertEquals(first, Nd4j.getRandom().nextDouble());
        assertEquals(DataType.DOUBLE, Nd4j.rand(2, 2).dataType());
    }

    @Test
    void lifecycleSetsAndRestores() {
        DataType outerDefault = Nd4j.dataType(), outerFp = Nd4j.defaultFloatingPointType();
        PrintStream outer = System.out;
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        PrintStream known = new PrintStream(seen, true, StandardCharsets.UTF_8);
        try {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
            System.setOut(known);
            Probe p = new Probe();
            p.seedAndDefaults();
            assertEquals(DataType.DOUBLE, Nd4j.dataType());
            assertNotSame(known, System.out);
            System.out.println("must not reach the known stream");
            p.restoreDefaults();
            assertEquals(DataType.FLOAT, Nd4j.dataType());
            assertEquals(DataType.FLOAT, Nd4j.defaultFloatingPointType());
            assertSame(known, System.out);
            assertEquals("", seen.toString(StandardCharsets.UTF_8));
            p.restoreDefaults(); // a second call changes nothing
            assertEquals(DataType.FLOAT, Nd4j.dataType());
            assertSame(known, System.out);
        } finally {
            System.setOut(outer);
            Nd4j.setDefaultDataTypes(outerDefault, outerFp);
        }
    }
}
