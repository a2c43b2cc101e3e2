package org.ntk4j.dl4j.analytic;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.analytic.GaussianClosedForm;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.analytic.Nonlinearity;
import org.ntk4j.core.analytic.Parameterization;
import org.ntk4j.core.analytic.internal.ExactDuals;
import org.ntk4j.core.analytic.internal.HermiteTable;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.analytic.internal.Dl4jNonlinearities;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The error-controlled infinite-width rule against golden values of an independent reference
 * ({@code reference/duals_reference.py}: nested adaptive Gauss–Kronrod, scipy's QUADPACK, with breakpoints; the
 * activations written there from DL4J's definitions): every DL4J activation, variances 1e-3..100, correlations −1..1,
 * both Gaussian expectations; and whole DL4J configurations in both parameterizations, FLOAT and DOUBLE. The error
 * estimate must bound the true error.
 */
class ExactDualsGoldenTest extends NtkTestBase {
    private static final double TOL = 1e-6;

    private static List<String[]> csv(String name) throws IOException {
        try (InputStream in = ExactDualsGoldenTest.class.getResourceAsStream("reference/" + name)) {
            assertTrue(in != null, "missing golden file " + name + "; run reference/duals_reference.py");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String[]> rows = new ArrayList<>();
            String line = r.readLine(); // header
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(line.split(","));
                }
            }
            return rows;
        }
    }

    /** {Ĉ, Ė, estimated error of Ĉ, of Ė} by the production rule (closed form when the activation has one). */
    static double[] duals(Nonlinearity phi, double mean, double q1, double q2, double rho) {
        Optional<GaussianClosedForm> cf = phi.closedForm();
        if (cf.isPresent() && cf.get().supportsMean(mean)) {
            double[] out = new double[2];
            cf.get().products(mean, Math.max(q1, q2), rho * Math.sqrt(q1 * q2), Math.min(q1, q2), out);
            return new double[]{out[0], out[1], Double.NaN, Double.NaN};
        }
        HermiteTable t1 = HermiteTable.of(phi, mean, new double[]{q1}, false);
        HermiteTable t2 = HermiteTable.of(phi, mean, new double[]{q2}, false);
        double[] c = new double[1];
        double[] e = new double[1];
        double est = ExactDuals.compute(phi, t1, new int[]{0}, t2, new int[]{0}, null,
                new double[]{rho * Math.sqrt(q1 * q2)}, 1, 1e-8, false, c, e);
        return new double[]{c[0], e[0], est, est};
    }

    @Test
    void everyDl4jActivationMatchesTheReference() throws IOException {
        List<String[]> rows = csv("duals_golden.csv");
        assertTrue(rows.size() > 500, "golden rows: " + rows.size());
        Map<String, Double> worst = new HashMap<>();
        List<String> failures = new ArrayList<>();
        for (String[] r : rows) {
            Nonlinearity phi = Dl4jNonlinearities.of(Activation.valueOf(r[0]).getActivationFunction(), r[0]);
            double mean = Double.parseDouble(r[1]);
            double q1 = Double.parseDouble(r[2]);
            double q2 = Double.parseDouble(r[3]);
            double rho = Double.parseDouble(r[4]);
            double[] ref = {Double.parseDouble(r[5]), Double.parseDouble(r[6])};
            double[] scale = {Double.parseDouble(r[7]), Double.parseDouble(r[8])};
            double[] got = duals(phi, mean, q1, q2, rho);
            for (int k = 0; k < 2; k++) {
                String what = r[0] + (k == 0 ? " E[φφ]" : " E[φ'φ']") + " mean " + mean + " q " + q1 + "," + q2
                        + " ρ " + rho + ": got " + got[k] + ", reference " + ref[k];
                double err = Math.abs(got[k] - ref[k]);
                double rel = scale[k] > 0 ? err / scale[k] : err;
                worst.merge(r[0], rel, Math::max);
                if (!(rel <= TOL)) {
                    failures.add(what + " (normwise error " + rel + ", estimate " + got[2 + k] + ")");
                }
                if (Math.abs(ref[k]) > 1e-2 * scale[k] && !(err <= TOL * Math.abs(ref[k]))) {
                    failures.add(what + " (relative error " + err / Math.abs(ref[k]) + ")");
                }
                // honest estimate: bounds the true error (up to the reference's own accuracy, ~1e-11); closed
                // forms (NaN) have none
                if (!(Double.isNaN(got[2 + k]) || rel <= Math.max(got[2 + k], 1e-11))) {
                    failures.add(what + ": error " + rel + " above its estimate " + got[2 + k]);
                }
                if (!(Double.isNaN(got[2 + k]) || got[2 + k] <= TOL)) {
                    failures.add(what + ": estimate " + got[2 + k] + " above the tolerance (error " + rel + ")");
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n",
                failures.subList(0, Math.min(60, failures.size()))));
        org.slf4j.LoggerFactory.getLogger(ExactDualsGoldenTest.class).info("worst normwise error per activation: {}",
                worst);
    }

    private static MultiLayerConfiguration network(String name) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list();
        switch (name) {
            case "relu_tanh_RELU":
                return b.layer(dense(3, 64, Activation.RELU, WeightInit.RELU, 0.0, true))
                        .layer(dense(64, 32, Activation.TANH, WeightInit.RELU, 0.0, true))
                        .layer(out(32, WeightInit.RELU, 0.0, true)).build();
            case "selu_selu_NORMAL":
                return b.layer(dense(3, 64, Activation.SELU, WeightInit.NORMAL, 0.0, true))
                        .layer(dense(64, 48, Activation.SELU, WeightInit.NORMAL, 0.0, true))
                        .layer(out(48, WeightInit.NORMAL, 0.0, true)).build();
            case "elu_gelu_XAVIER_bias":
                return b.layer(dense(3, 64, Activation.ELU, WeightInit.XAVIER, 0.1, true))
                        .layer(dense(64, 32, Activation.GELU, WeightInit.XAVIER, 0.1, true))
                        .layer(out(32, WeightInit.XAVIER, 0.1, true)).build();
            case "tanh_hardsigmoid_swish_nobias":
                return b.layer(dense(3, 64, Activation.TANH, WeightInit.XAVIER, 0.0, false))
                        .layer(dense(64, 32, Activation.HARDSIGMOID, WeightInit.XAVIER, 0.0, false))
                        .layer(dense(32, 16, Activation.SWISH, WeightInit.XAVIER, 0.0, false))
                        .layer(out(16, WeightInit.XAVIER, 0.0, false)).build();
            case "relu6_mish_hardtanh_RELU":
                return b.layer(dense(3, 64, Activation.RELU6, WeightInit.RELU, 0.0, true))
                        .layer(dense(64, 32, Activation.MISH, WeightInit.RELU, 0.0, true))
                        .layer(dense(32, 32, Activation.HARDTANH, WeightInit.RELU, 0.0, true))
                        .layer(out(32, WeightInit.RELU, 0.0, true)).build();
            case "thresholdedrelu_rrelu_cube_XAVIER":
                return b.layer(dense(3, 64, Activation.THRESHOLDEDRELU, WeightInit.XAVIER, 0.0, true))
                        .layer(dense(64, 32, Activation.RRELU, WeightInit.XAVIER, 0.0, true))
                        .layer(dense(32, 16, Activation.CUBE, WeightInit.XAVIER, 0.0, true))
                        .layer(out(16, WeightInit.XAVIER, 0.0, true)).build();
            case "rationaltanh_rectifiedtanh_RELU_bias":
                return b.layer(dense(3, 64, Activation.RATIONALTANH, WeightInit.RELU, 0.1, true))
                        .layer(dense(64, 32, Activation.RECTIFIEDTANH, WeightInit.RELU, 0.1, true))
                        .layer(out(32, WeightInit.RELU, 0.1, true)).build();
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static DenseLayer dense(int in, int outW, Activation a, WeightInit w, double bias, boolean hasBias) {
        return new DenseLayer.Builder().nIn(in).nOut(outW).activation(a).weightInit(w).biasInit(bias)
                .hasBias(hasBias).build();
    }

    private static OutputLayer out(int in, WeightInit w, double bias, boolean hasBias) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(in).nOut(1)
                .activation(Activation.IDENTITY).weightInit(w).biasInit(bias).hasBias(hasBias).build();
    }

    @Test
    void wholeConfigurationsMatchTheReferenceRecursion() throws IOException {
        List<String[]> rows = csv("networks_golden.csv");
        Map<String, double[][]> ref = new HashMap<>();
        for (String[] r : rows) {
            double[][] m = ref.computeIfAbsent(r[0] + "/" + r[1], k -> new double[2][9]);
            int idx = Integer.parseInt(r[2]) * 3 + Integer.parseInt(r[3]);
            m[0][idx] = Double.parseDouble(r[4]);
            m[1][idx] = Double.parseDouble(r[5]);
        }
        assertEquals(14, ref.size());
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            INDArray in = inputs().castTo(type);
            for (Map.Entry<String, double[][]> e : ref.entrySet()) {
                String[] key = e.getKey().split("/");
                AnalyticKernel k = AnalyticKernels.of(network(key[0]));
                if (key[1].equals("ntk")) {
                    k = k.withParameterization(Parameterization.NTK);
                }
                KernelPair kp = k.compute(in);
                assertTrue(kp.errorEstimate() <= TOL, e.getKey() + " estimate " + kp.errorEstimate());
                double tol = type == DataType.DOUBLE ? TOL : 2e-6;
                for (int m = 0; m < 2; m++) {
                    double[] want = e.getValue()[m];
                    INDArray got = m == 0 ? kp.nngp() : kp.ntk();
                    for (int i = 0; i < 3; i++) {
                        for (int j = 0; j < 3; j++) {
                            double g = got.getDouble(i, j);
                            double w = want[i * 3 + j];
                            double err = Math.abs(g - w) / Math.abs(w);
                            assertTrue(err <= tol, e.getKey() + " " + type + (m == 0 ? " NNGP" : " NTK") + "[" + i
                                    + "," + j + "] got " + g + ", reference " + w + " (relative " + err + ")");
                            if (type == DataType.DOUBLE) {
                                double scale = Math.sqrt(want[i * 4] * want[j * 4]);
                                assertTrue(Math.abs(g - w) / scale <= Math.max(kp.errorEstimate(), 1e-11),
                                        e.getKey() + ": error " + Math.abs(g - w) / scale + " above the estimate "
                                                + kp.errorEstimate());
                            }
                        }
                    }
                }
            }
        }
    }

    private static double[] parse(String[] r) {
        return java.util.Arrays.stream(r).mapToDouble(Double::parseDouble).toArray();
    }

    private static INDArray inputs() throws IOException {
        double[][] x;
        // networks_inputs.csv has no header
        try (InputStream in = ExactDualsGoldenTest.class.getResourceAsStream("reference/networks_inputs.csv")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<double[]> all = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    all.add(parse(line.split(",")));
                }
            }
            x = all.toArray(new double[0][]);
        }
        return Nd4j.createFromArray(x);
    }
}
