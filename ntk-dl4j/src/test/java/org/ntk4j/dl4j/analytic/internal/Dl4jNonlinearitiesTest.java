package org.ntk4j.dl4j.analytic.internal;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.analytic.Nonlinearity;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.analytic.ActivationErf;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every mapped DL4J activation evaluates to the same values and derivatives as DL4J's own op. */
class Dl4jNonlinearitiesTest extends NtkTestBase {

    @Test
    void mappedActivationsEqualDl4jOps() {
        List<IActivation> acts = new ArrayList<>();
        for (Activation a : new Activation[]{Activation.IDENTITY, Activation.RELU, Activation.LEAKYRELU,
                Activation.TANH, Activation.SIGMOID, Activation.SOFTPLUS, Activation.ELU, Activation.SELU,
                Activation.SWISH, Activation.HARDTANH, Activation.CUBE, Activation.SOFTSIGN, Activation.GELU,
                Activation.HARDSIGMOID, Activation.RATIONALTANH, Activation.RECTIFIEDTANH, Activation.RELU6,
                Activation.THRESHOLDEDRELU, Activation.MISH}) {
            acts.add(a.getActivationFunction());
        }
        acts.add(new ActivationELU(0.5));
        acts.add(new ActivationLReLU(0.2));
        acts.add(new ActivationReLU(3.0, 0.0, 0.1));
        acts.add(new ActivationReLU(3.0, 0.5, 0.1));
        acts.add(new ActivationReLU(null, 0.5, null));
        acts.add(new ActivationReLU(4.0, null, null));
        acts.add(new org.nd4j.linalg.activations.impl.ActivationThresholdedReLU(0.5));
        acts.add(new ActivationErf());
        int n = 2001;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = -8 + 16 * (i + 0.37) / n; // avoids the kinks at exactly 0, ±1, ±2.5, 6
        }
        INDArray in = Nd4j.createFromArray(z).reshape(1, n);
        for (IActivation a : acts) {
            Nonlinearity phi = Dl4jNonlinearities.of(a, "test");
            double[] v = new double[n];
            double[] d = new double[n];
            phi.evaluate(z, n, v, d);
            double[] dv = a.getActivation(in.dup(), false).reshape(n).toDoubleVector();
            double[] dd = a.backprop(in.dup(), Nd4j.ones(DataType.DOUBLE, 1, n)).getFirst().reshape(n).toDoubleVector();
            for (int i = 0; i < n; i++) {
                assertEquals(dv[i], v[i], 1e-12 * Math.max(1, Math.abs(dv[i])), a + " value at " + z[i]);
                // 1e-7: ND4J's LeakyReLUBp rounds the slope to float (0.01 -> 0.0099999998)
                assertEquals(dd[i], d[i], 1e-7 * Math.max(1, Math.abs(dd[i])), a + " derivative at " + z[i]);
                if (i % 100 == 0) {
                    assertEquals(v[i], phi.value(z[i]), 1e-12 * Math.max(1, Math.abs(v[i])), a + " scalar value");
                    assertEquals(d[i], phi.derivative(z[i]), 1e-12 * Math.max(1, Math.abs(d[i])), a + " scalar derivative");
                }
            }
        }
    }

    /** RReLU at inference: DL4J M2.1 computes max(z, (l+u)/2) (no backprop without a training pass). */
    @Test
    void rreluInferenceEqualsDl4jForward() {
        IActivation a = Activation.RRELU.getActivationFunction();
        Nonlinearity phi = Dl4jNonlinearities.of(a, "test");
        int n = 401;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = -4 + 8 * (i + 0.37) / n;
        }
        double[] dv = a.getActivation(Nd4j.createFromArray(z).reshape(1, n), false).reshape(n).toDoubleVector();
        for (int i = 0; i < n; i++) {
            assertEquals(dv[i], phi.value(z[i]), 1e-12, "rrelu at " + z[i]);
        }
    }

    @Test
    void preciseGeluIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dl4jNonlinearities.of(new org.nd4j.linalg.activations.impl.ActivationGELU(true), "layer 0"));
        assertTrue(e.getMessage().contains("precise=true"), e.getMessage());
    }

    @Test
    void nonElementwiseActivationsAreRefused() {
        for (Activation a : new Activation[]{Activation.SOFTMAX}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Dl4jNonlinearities.of(a.getActivationFunction(), "layer 3 (DenseLayer)"));
            assertTrue(e.getMessage().startsWith("layer 3 (DenseLayer): activation"), e.getMessage());
            assertTrue(e.getMessage().contains("supported: IDENTITY"), e.getMessage());
        }
    }
}
