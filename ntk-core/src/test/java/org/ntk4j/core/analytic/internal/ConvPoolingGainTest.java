package org.ntk4j.core.analytic.internal;

import org.junit.jupiter.api.Test;
import org.ntk4j.core.analytic.ConvLayerSpec;
import org.ntk4j.core.analytic.DenseLayerSpec;
import org.ntk4j.core.analytic.Nonlinearities;
import org.ntk4j.core.analytic.Parameterization;
import org.ntk4j.core.analytic.Readout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The error magnification of a pooling, recorded in an example's own run, against the hand formula
 * {@code A = (Σ_a M[a] √X[a,a])² / (M X Mᵀ)}: for a 1×1 identity convolution of a 2×2 one-channel image {@code x}
 * (σ² = 1, bias, standard parameterization) the activations' covariance is {@code x_a x_b} and their NTK
 * {@code x_a x_b + 1}, so global average pooling magnifies by {@code max(mean|x|²/mean(x)², mean(√(x²+1))²/(mean(x)² + 1))}.
 */
class ConvPoolingGainTest {

    private static ConvRecursion plan(Readout readout) {
        ConvStage conv = new ConvStage(ConvLayerSpec.builder(3, 1, 1).activation(Nonlinearities.identity()).build(),
                null);
        return ConvRecursion.compile(1, 2, 2, List.of(conv), readout, List.of(DenseLayerSpec.builder(1).build()),
                Parameterization.STANDARD, readout != Readout.FLATTEN, false, 1e-6, new GaussianMoments(2, false));
    }

    @Test
    void globalAveragePoolingMagnifiesByTheHandFormula() {
        double[] x = {1, -1, 1, 0.5};
        ConvRecursion plan = plan(Readout.GLOBAL_AVERAGE);
        assertEquals(1, plan.poolings());
        ConvRecursion.Work wk = plan.newWork(new double[]{1.0});
        ConvRecursion.Example e = plan.newExample(x);
        plan.run(e, e, true, wk, wk.output());
        double meanAbs = (1 + 1 + 1 + 0.5) / 4;
        double mean = (1 - 1 + 1 + 0.5) / 4;
        double meanRoot = (3 * Math.sqrt(2) + Math.sqrt(1.25)) / 4;
        double want = Math.max(meanAbs * meanAbs / (mean * mean), meanRoot * meanRoot / (mean * mean + 1));
        assertEquals(5.444444444444445, want, 1e-12);
        assertEquals(want, wk.amplification()[0], 1e-12 * want);
        assertArrayEquals(new double[]{want}, plan.errorGain(wk.amplification()), 1e-12 * want);
        // a pair run does not record
        ConvRecursion.Example other = plan.newExample(new double[]{1, 1, 1, 1});
        plan.run(other, other, true, wk, wk.output());
        plan.run(e, other, false, wk, wk.output());
        assertEquals(want, wk.amplification()[0], 1e-12 * want, "the largest over the examples run");
    }

    @Test
    void withoutPoolingNothingIsMagnified() {
        ConvRecursion plan = plan(Readout.FLATTEN);
        assertEquals(0, plan.poolings());
        assertArrayEquals(new double[]{1.0}, plan.errorGain(new double[0]));
    }
}
