package org.ntk4j.core.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Shared base of ntk4j tests. Before each test: a fixed seed for ND4J's global RNG, DOUBLE as ND4J's default data
 * type (of the arrays the tests create themselves; DL4J networks choose their own type through their configuration),
 * and {@code System.out} replaced by a stream that discards what is written (SameDiff prints to stdout
 * unconditionally). After each test the default data types and {@code System.out} are put back as they were, so that
 * nothing of this leaks into code that does not extend the base; library code never changes ND4J's defaults itself.
 * Tests that want to see what was printed capture {@code System.out} themselves, as the CLI tests do.
 */
public abstract class NtkTestBase {
    /** The seed set before each test. */
    public static final long SEED = 12345L;

    private DataType savedDefault;
    private DataType savedFloatingPoint;
    private PrintStream savedOut;

    @BeforeEach
    void seedAndDefaults() {
        Nd4j.getRandom().setSeed(SEED);
        savedDefault = Nd4j.dataType();
        savedFloatingPoint = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        savedOut = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    }

    @AfterEach
    void restoreDefaults() {
        if (savedOut != null) {
            System.setOut(savedOut);
            savedOut = null;
        }
        if (savedDefault != null) {
            Nd4j.setDefaultDataTypes(savedDefault, savedFloatingPoint);
            savedDefault = null;
        }
    }

    /** @return {@code [rows, cols]} of N(0,1) entries, reproducible from {@code seed} */
    protected static INDArray randn(DataType type, long seed, long... shape) {
        return NtkAssertions.gaussian(type, seed, shape);
    }

    /** @return the tolerance table of {@code type} */
    protected static Tolerances tol(DataType type) {
        return Tolerances.of(type);
    }
}
