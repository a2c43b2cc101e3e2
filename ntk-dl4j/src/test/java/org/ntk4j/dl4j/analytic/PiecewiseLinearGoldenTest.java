package org.ntk4j.dl4j.analytic;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.ntk4j.core.analytic.GaussianClosedForm;
import org.ntk4j.core.analytic.Nonlinearities;
import org.ntk4j.core.analytic.Nonlinearity;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.analytic.internal.Dl4jNonlinearities;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The closed forms of the piecewise-linear DL4J activations (hard-tanh, hard sigmoid, ReLU6, thresholded ReLU, RReLU
 * at inference, a configured ReLU with cap, threshold and negative slope, leaky ReLU) against
 * {@code reference/piecewise_reference.py} (one-dimensional conditional integration with the inner expectation in
 * closed form, QUADPACK outside; a different method): variances 1e-3..100, equal and unequal, means −1.2..2,
 * correlations −1..1, zero variances. Error ≤ 1e-10 relative to the Cauchy–Schwarz scale, and relative to the value
 * wherever it is above 1e-2 of the scale; both argument orders.
 */
class PiecewiseLinearGoldenTest extends NtkTestBase {
    private static final double TOL = 1e-10;

    private static Nonlinearity activation(String name) {
        IActivation a = name.equals("RELU_CONFIGURED") ? new ActivationReLU(3.0, 0.5, 0.1)
                : Activation.valueOf(name).getActivationFunction();
        return Dl4jNonlinearities.of(a, name);
    }

    @Test
    void closedFormsMatchTheReference() throws IOException {
        List<String> failures = new ArrayList<>();
        Map<String, Double> worst = new TreeMap<>();
        int rows = 0;
        try (InputStream in = PiecewiseLinearGoldenTest.class.getResourceAsStream(
                "reference/piecewise_golden.csv")) {
            assertTrue(in != null, "missing piecewise_golden.csv; run reference/piecewise_reference.py");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",");
                Nonlinearity phi = activation(f[0]);
                List<Nonlinearity> forms = new ArrayList<>(List.of(phi));
                if (f[0].equals("LEAKYRELU")) {
                    // the generic piecewise-linear engine on the same function as the arc-cosine closed form
                    forms.add(Nonlinearities.piecewiseLinear(phi));
                }
                double mean = Double.parseDouble(f[1]);
                double q1 = Double.parseDouble(f[2]);
                double q2 = Double.parseDouble(f[3]);
                double rho = Double.parseDouble(f[4]);
                double[] ref = {Double.parseDouble(f[5]), Double.parseDouble(f[6])};
                double[] scale = {Double.parseDouble(f[7]), Double.parseDouble(f[8])};
                for (Nonlinearity g : forms) {
                    GaussianClosedForm cf = g.closedForm().orElseThrow(() -> new AssertionError(g.name()
                            + " has no closed form"));
                    assertTrue(cf.supportsMean(mean), g.name() + " mean " + mean);
                    double c = rho * Math.sqrt(q1) * Math.sqrt(q2);
                    double[][] got = new double[2][2];
                    cf.products(mean, q1, c, q2, got[0]);
                    cf.products(mean, q2, c, q1, got[1]);
                    rows++;
                    for (int o = 0; o < 2; o++) {
                        for (int k = 0; k < 2; k++) {
                            double err = Math.abs(got[o][k] - ref[k]);
                            double rel = scale[k] > 0 ? err / scale[k] : err;
                            worst.merge(g.name(), rel, Math::max);
                            String what = g.name() + (k == 0 ? " E[φφ]" : " E[φ'φ']") + " mean " + mean + " q "
                                    + q1 + "," + q2 + " ρ " + rho + (o == 1 ? " (swapped)" : "") + ": got "
                                    + got[o][k] + ", reference " + ref[k];
                            if (!(rel <= TOL)) {
                                failures.add(what + " (normwise " + rel + ")");
                            }
                            if (Math.abs(ref[k]) > 1e-2 * scale[k] && !(err <= TOL * Math.abs(ref[k]))) {
                                failures.add(what + " (relative " + err / Math.abs(ref[k]) + ")");
                            }
                        }
                    }
                }
            }
        }
        assertTrue(rows > 350, "rows " + rows);
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n",
                failures.subList(0, Math.min(40, failures.size()))));
        org.slf4j.LoggerFactory.getLogger(PiecewiseLinearGoldenTest.class).info("worst normwise error: {}", worst);
    }

    @Test
    void aFunctionThatIsNotPiecewiseLinearIsRefusedByName() {
        Nonlinearity bent = Nonlinearity.of("bent", z -> z > 0 ? z * z : 0.0, z -> z > 0 ? 2 * z : 0.0,
                new double[]{0.0}, 1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nonlinearities.piecewiseLinear(bent));
        assertTrue(e.getMessage().startsWith("bent is not piecewise linear"), e.getMessage());
        Nonlinearity undeclared = Nonlinearity.of("undeclared-kink", z -> Math.min(z, 2.0), z -> z < 2 ? 1.0 : 0.0);
        assertThrows(IllegalArgumentException.class, () -> Nonlinearities.piecewiseLinear(undeclared));
    }
}
