package org.ntk4j.dl4j.arbiter;

import org.junit.jupiter.api.Test;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlopeFitTest extends NtkTestBase {
    // golden values: src/test/resources/org/ntk4j/dl4j/arbiter/slope_fit_golden.py (scipy.stats.linregress + t.ppf)
    private static final double[] X = {64, 64, 256, 256, 1024, 1024};
    private static final double[] Y = {0.35, 0.24, 0.077, 0.065, 0.024, 0.021};

    @Test
    void matchesScipyLinregress() {
        SlopeFit f = SlopeFit.logLog(X, Y, 0.95);
        assertEquals(-0.9226027229926161, f.slope(), 1e-12);
        assertEquals(2.5547973703796334, f.intercept(), 1e-12);
        assertEquals(-1.0941521587836358, f.low(), 1e-9);
        assertEquals(-0.7510532872015964, f.high(), 1e-9);
        assertEquals(6, f.points());
        assertEquals(Math.exp(2.5547973703796334) * Math.pow(100, -0.9226027229926161), f.predict(100), 1e-9);
    }

    @Test
    void exactPowerLawHasZeroWidthIntervalAndTwoPointsNone() {
        SlopeFit f = SlopeFit.logLog(new double[]{1, 4, 16}, new double[]{1, 0.5, 0.25}, 0.9);
        assertEquals(-0.5, f.slope(), 1e-12);
        assertEquals(-0.5, f.low(), 1e-9);
        assertEquals(-0.5, f.high(), 1e-9);
        SlopeFit two = SlopeFit.logLog(new double[]{1, 4}, new double[]{1, 0.5}, 0.9);
        assertEquals(-0.5, two.slope(), 1e-12);
        assertFalse(two.hasInterval());
        assertTrue(f.hasInterval());
    }

    @Test
    void refusesBadPoints() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SlopeFit.logLog(new double[]{1, 2},
                new double[]{1, 0}, 0.95)).getMessage().contains("positive finite"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SlopeFit.logLog(new double[]{2, 2},
                new double[]{1, 3}, 0.95)).getMessage().contains("distinct x"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SlopeFit.logLog(new double[]{2},
                new double[]{1}, 0.95)).getMessage().contains("at least 2 points"));
    }
}
