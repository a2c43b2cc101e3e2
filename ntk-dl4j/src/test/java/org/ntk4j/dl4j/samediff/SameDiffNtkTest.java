package org.ntk4j.dl4j.samediff;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SameDiffNtk} against central finite differences of the graph output. */
class SameDiffNtkTest extends NtkTestBase {
    private static final double H = 1e-5;

    @ParameterizedTest
    @EnumSource(SameDiffGraphs.Bias.class)
    void mlpMatchesFiniteDifferencesFull(SameDiffGraphs.Bias bias) {
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 7, bias, 3, 6, 5, 2);
        INDArray x1 = randn(DataType.DOUBLE, 1, 4, 3);
        INDArray x2 = randn(DataType.DOUBLE, 2, 3, 3);
        SameDiffNtk ntk = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
        assertEquals(List.of(), ntk.exactParameters(), "every parameter of an MLP has a structured rule");
        INDArray expected = SameDiffGraphs.fdKernel(sd, "input", "output", x1, x2, H);
        INDArray actual = ntk.compute(x1, x2);
        assertEquals(DataType.DOUBLE, actual.dataType());
        NtkAssertions.assertClose(expected, actual, tol(DataType.DOUBLE).finiteDiff(), "FULL vs FD (" + bias + ")");
    }

    @Test
    void traceIsMeanOfDiagonalBlocks() {
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 8, SameDiffGraphs.Bias.BIAS_ADD, 3, 7, 3);
        INDArray x1 = randn(DataType.DOUBLE, 3, 5, 3);
        INDArray x2 = randn(DataType.DOUBLE, 4, 2, 3);
        INDArray expected = KernelLayout.traceOf(SameDiffGraphs.fdKernel(sd, "input", "output", x1, x2, H));
        INDArray actual = SameDiffNtk.of(sd, "input", "output").compute(x1, x2);
        NtkAssertions.assertClose(expected, actual, tol(DataType.DOUBLE).finiteDiff(), "TRACE vs FD");
    }

    /** Minibatch 1 is where SameDiff M2.1 gives wrong column-selection gradients and an XwPlusB NPE. */
    @ParameterizedTest
    @EnumSource(SameDiffGraphs.Bias.class)
    void singleExampleMatchesFiniteDifferences(SameDiffGraphs.Bias bias) {
        for (int o = 1; o <= 2; o++) {
            singleExample(SameDiffGraphs.mlp(DataType.DOUBLE, 9, bias, 2, 5, o), bias);
        }
    }

    private void singleExample(SameDiff sd, SameDiffGraphs.Bias bias) {
        INDArray x = randn(DataType.DOUBLE, 5, 1, 2);
        for (OutputMode mode : OutputMode.values()) {
            INDArray full = SameDiffGraphs.fdKernel(sd, "input", "output", x, null, H);
            INDArray expected = mode == OutputMode.FULL ? full : KernelLayout.traceOf(full);
            for (boolean structured : new boolean[]{true, false}) {
                INDArray actual = SameDiffNtk.builder(sd, "input", "output").outputMode(mode).implementation(structured ? NtkImplementation.AUTO : NtkImplementation.JACOBIAN)
                        .build().compute(x);
                NtkAssertions.assertClose(expected, actual, tol(DataType.DOUBLE).finiteDiff(),
                        "n = 1, " + mode + ", " + bias + (structured ? "" : ", exact path"));
            }
        }
    }

    @Test
    void layerNormAndElementwiseChainAreExact() {
        SameDiff sd = SameDiffGraphs.layerNormNet(DataType.DOUBLE, 11, 3, 5, 2);
        SameDiffNtk ntk = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
        assertEquals(Set.of("gain", "shift", "scale", "c"), Set.copyOf(ntk.exactParameters()));
        assertEquals(Set.of("w1", "b1", "w2", "b2"), Set.copyOf(ntk.structuredParameters()));
        INDArray x1 = randn(DataType.DOUBLE, 12, 4, 3);
        INDArray x2 = randn(DataType.DOUBLE, 13, 3, 3);
        INDArray expected = SameDiffGraphs.fdKernel(sd, "input", "output", x1, x2, H);
        NtkAssertions.assertClose(expected, ntk.compute(x1, x2), tol(DataType.DOUBLE).finiteDiff(), "layer norm FULL");
    }

    /** STRUCTURED means structured rules only, as in EmpiricalNtk: exact-fallback variables are refused by name. */
    @Test
    void structuredRefusesExactFallbackVariables() {
        SameDiff sd = SameDiffGraphs.layerNormNet(DataType.DOUBLE, 11, 3, 5, 2);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SameDiffNtk.builder(sd, "input", "output").implementation(org.ntk4j.dl4j.NtkImplementation.STRUCTURED)
                        .build());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("gain") && e.getMessage().contains("AUTO"),
                e.getMessage());
    }

    @Test
    void tiedWeightUsesExactPath() {
        SameDiff sd = SameDiffGraphs.tiedNet(DataType.DOUBLE, 14, 3, 4, 2);
        SameDiffNtk ntk = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
        assertTrue(ntk.exactParameters().contains("w"), "tied weight must be exact: " + ntk);
        INDArray x = randn(DataType.DOUBLE, 15, 4, 3);
        INDArray expected = SameDiffGraphs.fdKernel(sd, "input", "output", x, null, H);
        NtkAssertions.assertClose(expected, ntk.compute(x), tol(DataType.DOUBLE).finiteDiff(), "tied FULL");
    }

    @Test
    void convolutionMatchesFiniteDifferencesOnImageFeatures() {
        SameDiff sd = SameDiffGraphs.convNet(DataType.DOUBLE, 16, 2, 1, false);
        SameDiffNtk ntk = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
        assertEquals(List.of(), ntk.exactParameters());
        assertEquals(Set.of("k", "kb", "w", "b"), Set.copyOf(ntk.structuredParameters()));
        INDArray x1 = randn(DataType.DOUBLE, 17, 3, 2, 6, 5);
        INDArray x2 = randn(DataType.DOUBLE, 18, 2, 2, 6, 5);
        INDArray expected = SameDiffGraphs.fdKernel(sd, "input", "output", x1, x2, H);
        NtkAssertions.assertClose(expected, ntk.compute(x1, x2), tol(DataType.DOUBLE).finiteDiff(), "conv FULL");
        SameDiffNtk exact = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).implementation(NtkImplementation.JACOBIAN).build();
        NtkAssertions.assertClose(expected, exact.compute(x1, x2), tol(DataType.DOUBLE).finiteDiff(), "conv FULL exact path");
    }

    /** The conv2d rule against the exact path for strides, padding modes and dilation, FLOAT and DOUBLE. */
    @Test
    void convolutionStructuredEqualsExact() {
        int[][] configs = {{1, 0, 1}, {2, 0, 1}, {1, 1, 1}, {2, 1, 1}, {1, 0, 2}, {1, 1, 2}};   // stride, SAME, dilation
        for (int[] c : configs) {
            for (DataType type : c[0] == 2 && c[1] == 1 ? new DataType[]{DataType.FLOAT, DataType.DOUBLE}
                    : new DataType[]{DataType.DOUBLE}) {
                SameDiff sd = SameDiffGraphs.convNet(type, 24, 2, c[0], c[1] == 1, c[2]);
                INDArray x1 = randn(type, 25, 3, 2, 6, 5);
                INDArray x2 = randn(type, 26, 2, 2, 6, 5);
                SameDiffNtk structured = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
                assertEquals(List.of(), structured.exactParameters());
                SameDiffNtk exact = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL)
                        .implementation(NtkImplementation.JACOBIAN).build();
                NtkAssertions.assertClose(exact.compute(x1, x2), structured.compute(x1, x2), tol(type).exact(),
                        "conv stride " + c[0] + (c[1] == 1 ? " SAME" : " VALID") + " dilation " + c[2] + " " + type);
            }
        }
    }

    /** The structured rule against the exact per-example path, for every structured op, in both types and modes. */
    @ParameterizedTest
    @EnumSource(SameDiffGraphs.Bias.class)
    void structuredEqualsExact(SameDiffGraphs.Bias bias) {
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            SameDiff sd = SameDiffGraphs.mlp(type, 19, bias, 4, 7, 3);
            INDArray x1 = randn(type, 20, 5, 4);
            INDArray x2 = randn(type, 21, 3, 4);
            for (OutputMode mode : OutputMode.values()) {
                SameDiffNtk structured = SameDiffNtk.builder(sd, "input", "output").outputMode(mode).build();
                SameDiffNtk exact = SameDiffNtk.builder(sd, "input", "output").outputMode(mode).implementation(NtkImplementation.JACOBIAN).build();
                assertEquals(List.of(), exact.structuredParameters());
                assertEquals(4, structured.structuredParameters().size());
                NtkAssertions.assertClose(exact.compute(x1, x2), structured.compute(x1, x2), tol(type).exact(),
                        "structured vs exact, " + bias + ", " + type + ", " + mode);
            }
        }
    }

    /** Outputs coupled within an example (softmax probabilities) keep every output pair exact. */
    @Test
    void softmaxOutputMatchesFiniteDifferences() {
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 27, SameDiffGraphs.Bias.BIAS_ADD, 3, 5, 3);
        sd.nn.softmax("probs", sd.getVariable("output"), 1);
        INDArray x1 = randn(DataType.DOUBLE, 28, 4, 3);
        INDArray x2 = randn(DataType.DOUBLE, 29, 2, 3);
        INDArray expected = SameDiffGraphs.fdKernel(sd, "input", "probs", x1, x2, H);
        INDArray actual = SameDiffNtk.builder(sd, "input", "probs").outputMode(OutputMode.FULL).build().compute(x1, x2);
        NtkAssertions.assertClose(expected, actual, tol(DataType.DOUBLE).finiteDiff(), "softmax FULL vs FD");
    }
}
