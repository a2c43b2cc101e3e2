package org.ntk4j.core.analytic.internal;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FastArc#acos} and {@link FastArc#asin} against the JDK's {@link StrictMath} (fdlibm): within 2 ulp everywhere
 * ({@code asin}: 4 ulp, from {@code π/2 − 2 asin √((1 − z)/2)} just above 1/2, where the result is about π/6).
 */
class FastArcTest {
    @Test
    void agreesWithTheJdkToTwoUlp() {
        SplittableRandom r = new SplittableRandom(7);
        double worst = 0;
        String at = "";
        for (int i = 0; i < 300_000; i++) {
            double x = switch (i % 4) {
                case 0 -> 2 * r.nextDouble() - 1;
                case 1 -> 1 - Math.pow(10, -17 * r.nextDouble());      // close to 1: the square-root branch
                case 2 -> -1 + Math.pow(10, -17 * r.nextDouble());
                default -> 0.5 + (r.nextDouble() - 0.5) * 1e-6 * (r.nextBoolean() ? 1 : -1); // the branch boundaries
            };
            x = i % 8 == 3 ? -x : x;
            double e = StrictMath.acos(x);
            double ulps = Math.abs(e - FastArc.acos(x)) / Math.ulp(e);
            if (ulps > worst) {
                worst = ulps;
                at = Double.toString(x);
            }
        }
        assertTrue(worst <= 2.0, worst + " ulp at " + at);
    }

    @Test
    void edgesAndClamping() {
        assertEquals(0.0, FastArc.acos(1.0));
        assertEquals(Math.PI, FastArc.acos(-1.0));
        assertEquals(Math.PI / 2, FastArc.acos(0.0));
        assertEquals(0.0, FastArc.acos(1.0 + 1e-15));
        assertEquals(Math.PI, FastArc.acos(-1.5));
        assertTrue(Double.isNaN(FastArc.acos(Double.NaN)));
        for (double x : new double[]{0.5, -0.5, Math.nextUp(0.5), Math.nextDown(-0.5), Math.nextDown(1.0),
            Math.nextUp(-1.0), 1e-300, -1e-300}) {
            assertEquals(StrictMath.acos(x), FastArc.acos(x), 2 * Math.ulp(StrictMath.acos(x)), "at " + x);
        }
    }

    @Test
    void asinAgreesWithTheJdkToTwoUlp() {
        SplittableRandom r = new SplittableRandom(11);
        double worst = 0;
        String at = "";
        for (int i = 0; i < 300_000; i++) {
            double x = switch (i % 4) {
                case 0 -> 2 * r.nextDouble() - 1;
                case 1 -> 1 - Math.pow(10, -17 * r.nextDouble());
                case 2 -> Math.pow(10, -300 * r.nextDouble());           // tiny: the series' first term
                default -> 0.5 + (r.nextDouble() - 0.5) * 1e-6;           // the branch boundary
            };
            x = i % 8 >= 4 ? -x : x;
            double e = StrictMath.asin(x);
            double ulps = Math.abs(e - FastArc.asin(x)) / Math.ulp(e);
            if (ulps > worst) {
                worst = ulps;
                at = Double.toString(x);
            }
        }
        assertTrue(worst <= 4.0, worst + " ulp at " + at);
        assertEquals(Math.PI / 2, FastArc.asin(1.0));
        assertEquals(-Math.PI / 2, FastArc.asin(-1.5));
        assertEquals(0.0, FastArc.asin(0.0));
        assertTrue(Double.isNaN(FastArc.asin(Double.NaN)));
    }
}
