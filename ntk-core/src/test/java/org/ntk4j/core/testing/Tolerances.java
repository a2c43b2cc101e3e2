package org.ntk4j.core.testing;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The one tolerance table of the test suites: relative tolerances per data type and per kind of comparison.
 *
 * @param exact         two computations of the same quantity by different exact algorithms (rounding only)
 * @param finiteDiff    an exact result against central finite differences of a smooth network
 * @param crossType     a FLOAT result against the DOUBLE result of the same computation
 * @param solve         a result that went through a linear solve or eigendecomposition of a kernel with condition
 *                      number up to about 1e3, against an independent solve (rounding amplified by the conditioning)
 */
public record Tolerances(double exact, double finiteDiff, double crossType, double solve) {

    /** DOUBLE: rounding differences of about 1e-12; central differences with h ~ 1e-5 are accurate to ~1e-8. */
    public static final Tolerances DOUBLE = new Tolerances(1e-9, 1e-6, 1e-4, 1e-7);
    /** FLOAT: about 1e-5 relative; finite differences in FLOAT are too noisy to be used. */
    public static final Tolerances FLOAT = new Tolerances(2e-4, Double.NaN, 2e-3, 5e-3);

    /**
     * @param type DOUBLE or FLOAT
     * @return the table for that type
     */
    public static Tolerances of(DataType type) {
        return switch (type) {
            case DOUBLE -> DOUBLE;
            case FLOAT -> FLOAT;
            default -> throw new IllegalArgumentException("no tolerances for " + type);
        };
    }
}
