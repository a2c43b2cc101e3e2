package org.ntk4j.core.analytic.internal;

import org.junit.jupiter.api.Test;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BivariateNormal} against {@code bvn_reference.py} (mpmath, 40 digits, the conditional one-dimensional form
 * {@code ∫_h^∞ φ(x) Q((k − ρx)/√(1−ρ²)) dx}): thresholds −9..20, correlations −1..1 including both sides of the
 * 0.925 switch and 1 ∓ 1e-7. For thresholds in [−9, 9]: error ≤ 2e-15 relative to {@code √(Q(h)Q(k))} (the scale
 * on which orthant probabilities enter the Gaussian moments), and ≤ 1e-12 relative to the value wherever that is above
 * 1e-3 of it; with a threshold at 20: 1e-11 and 1e-10.
 */
class BivariateNormalTest extends NtkTestBase {

    @Test
    void orthantProbabilitiesMatchTheReference() throws IOException {
        List<String> failures = new ArrayList<>();
        double worstAbs = 0;
        double worstRel = 0;
        int rows = 0;
        try (InputStream in = BivariateNormalTest.class.getResourceAsStream("bvn_golden.csv")) {
            assertTrue(in != null, "missing bvn_golden.csv; run bvn_reference.py");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",");
                double h = Double.parseDouble(f[0]);
                double k = Double.parseDouble(f[1]);
                double rho = Double.parseDouble(f[2]);
                double want = Double.parseDouble(f[3]);
                double got = BivariateNormal.upper(h, k, rho);
                rows++;
                double abs = Math.abs(got - want);
                // the scale that matters: products of orthant probabilities with the marginal tails enter the
                // Gaussian moments relative to √(Q(h)Q(k)) (the Cauchy–Schwarz scale of two indicators)
                double scale = Math.sqrt(BivariateNormal.q(h)) * Math.sqrt(BivariateNormal.q(k));
                double rel = abs / want;
                if (want > 1e-3 * scale) {
                    worstRel = Math.max(worstRel, rel);
                }
                worstAbs = Math.max(worstAbs, abs / scale);
                // thresholds beyond 9 (|hk| up to 400): Gauss–Legendre on a steeper integrand, 1e-11 of the scale
                boolean far = Math.max(Math.abs(h), Math.abs(k)) > 9;
                double tolScaled = far ? 1e-11 : 2e-15;
                double tolRel = far ? 1e-10 : 1e-12;
                if (!(abs <= tolScaled * scale) || want > 1e-3 * scale && !(rel <= tolRel)) {
                    failures.add("L(" + h + ", " + k + ", " + rho + ") = " + got + ", reference " + want + " (abs "
                            + abs + ", rel " + rel + ", relative to √(Q(h)Q(k)) " + abs / scale + ")");
                }
            }
        }
        assertTrue(rows > 2500, "rows " + rows);
        assertTrue(failures.isEmpty(), failures.size() + " failures (worst scaled " + worstAbs + ", rel " + worstRel
                + "):\n" + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
    }

    @Test
    void infiniteLimitsAndSymmetries() {
        assertEquals(BivariateNormal.q(0.7), BivariateNormal.upper(Double.NEGATIVE_INFINITY, 0.7, 0.4), 0.0);
        assertEquals(0.0, BivariateNormal.upper(Double.POSITIVE_INFINITY, -3, 0.4), 0.0);
        assertEquals(0.25 + Math.asin(0.5) / (2 * Math.PI), BivariateNormal.upper(0, 0, 0.5), 4e-16);
        assertEquals(0.25 + Math.asin(-0.95) / (2 * Math.PI), BivariateNormal.upper(0, 0, -0.95), 4e-16);
        for (double rho : new double[]{-0.99, -0.5, 0.3, 0.95}) {
            assertEquals(BivariateNormal.upper(0.4, -1.3, rho), BivariateNormal.upper(-1.3, 0.4, rho), 4e-16);
        }
        assertEquals(0.5, BivariateNormal.q(0), 2.3e-16);
        assertEquals(0.0, BivariateNormal.q(Double.POSITIVE_INFINITY), 0.0);
        assertEquals(1.0, BivariateNormal.q(Double.NEGATIVE_INFINITY), 0.0);
    }
}
