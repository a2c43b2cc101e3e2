package org.ntk4j.core.testing;

import org.junit.jupiter.api.BeforeEach;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shared base of ntk4j tests: a fixed seed for ND4J's global RNG before each test, DOUBLE as the default type of the
 * arrays the tests create themselves (networks choose their own type through their configuration), nothing written to
 * stdout.
 */
public abstract class NtkTestBase {
    /** The seed set before each test. */
    public static final long SEED = 12345L;

    @BeforeEach
    void seedAndDefaults() {
        Nd4j.getRandom().setSeed(SEED);
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
