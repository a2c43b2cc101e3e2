package org.ntk4j.dl4j.samediff;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.core.kernel.MemoryBudgetExceededException;
import org.ntk4j.core.testing.NtkAssertions;
import org.ntk4j.dl4j.KernelContract;
import org.ntk4j.dl4j.OutputMode;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link KernelContract} for {@link SameDiffNtk} on an MLP (every parameter structured) and a graph with layer
 * norm and a custom elementwise chain (structured and exact parameters mixed); plus what is particular to SameDiff:
 * features cast to the placeholder's type, the user's graph untouched, the in-place transform, the saved NTK graph,
 * bad input.
 */
class SameDiffNtkContractTest extends KernelContract {

    private static SameDiff graph(int which, DataType type) {
        return which == 0 ? SameDiffGraphs.mlp(type, 23, SameDiffGraphs.Bias.BIAS_ADD, 3, 8, 6, 2)
                : SameDiffGraphs.layerNormNet(type, 31, 3, 6, 3);
    }

    @Override
    protected double psdSlack() {
        return 1;
    }

    @Override
    protected List<Subject> subjects(DataType type) {
        List<Subject> r = new ArrayList<>();
        for (int which = 0; which < 2; which++) {
            SameDiff sd = graph(which, type);
            String name = (which == 0 ? "MLP" : "layer-norm graph") + " (" + type + ")";
            Map<String, SameDiffNtk> built = new HashMap<>();
            r.add(new Subject() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public long[] featureShape() {
                    return new long[]{3};
                }

                @Override
                public int outputs() {
                    return built(OutputMode.TRACE, 512).numOutputs();
                }

                private SameDiffNtk built(OutputMode mode, int blockSize) {
                    return built.computeIfAbsent(mode + "/" + blockSize,
                            k -> SameDiffNtk.builder(sd, "input", "output").outputMode(mode).blockSize(blockSize)
                                    .build());
                }

                @Override
                public INDArray compute(OutputMode mode, int blockSize, INDArray x1, INDArray x2) {
                    return built(mode, blockSize).compute(x1, x2);
                }

                @Override
                public INDArray finiteDifferences(INDArray x1, INDArray x2) {
                    return SameDiffGraphs.fdKernel(sd, "input", "output", x1, x2, H);
                }
            });
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(OutputMode.class)
    void doubleFeaturesAreCastToAFloatPlaceholder(OutputMode mode) {
        INDArray x1 = randn(DataType.DOUBLE, 21, 5, 3);
        INDArray x2 = randn(DataType.DOUBLE, 22, 4, 3);
        for (int which = 0; which < 2; which++) {
            SameDiff f = graph(which, DataType.FLOAT);
            INDArray kf = SameDiffNtk.builder(f, "input", "output").outputMode(mode).build()
                    .compute(x1.castTo(DataType.FLOAT), x2.castTo(DataType.FLOAT));
            assertEquals(DataType.FLOAT, kf.dataType());
            NtkAssertions.assertBitIdentical(kf, SameDiffNtk.builder(f, "input", "output").outputMode(mode).build()
                    .compute(x1, x2), "DOUBLE features are cast to the FLOAT placeholder");
        }
    }

    @Test
    void userGraphIsUntouchedAndParametersAreFollowed() {
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 51, SameDiffGraphs.Bias.BIAS_ADD, 3, 6, 2);
        List<String> vars = new ArrayList<>(sd.getVariables().keySet());
        List<String> ops = new ArrayList<>(sd.getOps().keySet());
        List<String> losses = new ArrayList<>(sd.getLossVariables());
        Map<String, INDArray> params = paramCopies(sd);
        INDArray x = randn(DataType.DOUBLE, 52, 4, 3);
        INDArray out = SameDiffGraphs.output(sd, "input", "output", x);

        SameDiffNtk ntk = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build();
        INDArray k0 = ntk.compute(x);

        assertEquals(vars, new ArrayList<>(sd.getVariables().keySet()), "variables");
        assertEquals(ops, new ArrayList<>(sd.getOps().keySet()), "ops");
        assertEquals(losses, sd.getLossVariables(), "loss variables");
        assertFalse(sd.hasGradientFunction(), "no gradient function was created on the user's graph");
        assertTrue(sd.getFunction(SameDiffNtk.FUNCTION_NAME) == null, "no sub-function");
        params.forEach((n, a) -> NtkAssertions.assertBitIdentical(a, sd.getVariable(n).getArr(), n));
        NtkAssertions.assertBitIdentical(out, SameDiffGraphs.output(sd, "input", "output", x), "output");

        // the kernel follows the user's parameters
        sd.getVariable("w1").getArr().muli(1.5);
        INDArray k1 = ntk.compute(x);
        INDArray fresh = SameDiffNtk.builder(sd, "input", "output").outputMode(OutputMode.FULL).build().compute(x);
        NtkAssertions.assertClose(fresh, k1, tol(DataType.DOUBLE).exact(), "after a parameter change");
        assertTrue(NtkAssertions.relativeError(k1, k0) > 1e-3, "kernel changed with the parameters");
    }

    @Test
    void inPlaceGivesTheSameKernelAndKeepsTrainingIntact() {
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 61, SameDiffGraphs.Bias.BIAS_ADD, 3, 6, 2);
        SameDiff twin = SameDiffGraphs.mlp(DataType.DOUBLE, 61, SameDiffGraphs.Bias.BIAS_ADD, 3, 6, 2);
        INDArray x = randn(DataType.DOUBLE, 62, 5, 3);
        INDArray copyKernel = SameDiffNtk.of(twin, "input", "output").compute(x);
        SameDiffNtk inPlace = SameDiffNtk.builder(sd, "input", "output").inPlace(true).build();
        NtkAssertions.assertClose(copyKernel, inPlace.compute(x), tol(DataType.DOUBLE).exact(), "in place vs copy");
        assertSame(inPlace.ntkGraph(), sd.getFunction(SameDiffNtk.FUNCTION_NAME));
        assertEquals(List.of("loss"), sd.getLossVariables());
        assertThrows(IllegalArgumentException.class,
                () -> SameDiffNtk.builder(sd, "input", "output").inPlace(true).build(), "twice in place");

        // training the transformed graph is training the original one
        INDArray y = randn(DataType.DOUBLE, 63, 5, 2);
        for (SameDiff g : List.of(sd, twin)) {
            g.setTrainingConfig(TrainingConfig.builder().updater(new Sgd(0.1))
                    .dataSetFeatureMapping("input").dataSetLabelMapping("label").build());
            g.fit(new DataSet(x, y));
        }
        paramCopies(twin).forEach((n, a) -> NtkAssertions.assertBitIdentical(a, sd.getVariable(n).getArr(), n));
        // and the in-place kernel follows the trained parameters
        NtkAssertions.assertClose(SameDiffNtk.of(twin, "input", "output").compute(x), inPlace.compute(x),
                tol(DataType.DOUBLE).exact(), "in place after training");
    }

    @Test
    void ntkGraphHoldsTheKernel(@TempDir Path dir) {
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 71, SameDiffGraphs.Bias.BIAS_ADD, 3, 4, 2);
        SameDiffNtk ntk = SameDiffNtk.of(sd, "input", "output");
        SameDiff g = ntk.ntkGraph();
        assertNotNull(g.getVariable(SameDiffNtk.KERNEL));
        assertNotNull(g.getVariable(SameDiffNtk.SEED));
        assertTrue(g.getOps().size() > sd.getOps().size(), "forward, backward and kernel ops");

        // saved and loaded, the graph computes the kernel by itself when fed as documented
        File file = dir.resolve("ntk.fb").toFile();
        g.save(file, false);
        SameDiff loaded = SameDiff.load(file, false);
        INDArray x = randn(DataType.DOUBLE, 72, 3, 3);
        INDArray seed = org.nd4j.linalg.factory.Nd4j.zeros(DataType.DOUBLE, 6, 2);
        seed.get(NDArrayIndex.interval(0, 3), NDArrayIndex.point(0)).assign(1);
        seed.get(NDArrayIndex.interval(3, 6), NDArrayIndex.point(1)).assign(1);
        Map<String, INDArray> feed = Map.of("input", org.nd4j.linalg.factory.Nd4j.concat(0, x, x), SameDiffNtk.SEED, seed,
                SameDiffNtk.ROWS1, org.nd4j.linalg.factory.Nd4j.createFromArray(0L, 1L, 2L),
                SameDiffNtk.ROWS2, org.nd4j.linalg.factory.Nd4j.createFromArray(0L, 1L, 2L));
        NtkAssertions.assertClose(ntk.compute(x), loaded.output(feed, SameDiffNtk.KERNEL).get(SameDiffNtk.KERNEL),
                tol(DataType.DOUBLE).exact(), "saved NTK graph");
    }

    @Test
    void badInputsGetClearMessages() {
        SameDiff sd = SameDiffGraphs.mlp(DataType.DOUBLE, 81, SameDiffGraphs.Bias.BIAS_ADD, 3, 4, 2);
        assertMessage(() -> SameDiffNtk.of(sd, "features", "output"), "no variable named 'features'");
        assertMessage(() -> SameDiffNtk.of(sd, "input", "out"), "no variable named 'out'");
        assertMessage(() -> SameDiffNtk.of(sd, "w1", "output"), "must be a placeholder");
        assertMessage(() -> SameDiffNtk.of(sd, "input", "loss"), "besides the input");
        assertMessage(() -> SameDiffNtk.of(null, "input", "output"), "must not be null");
        assertMessage(() -> SameDiffNtk.builder(sd, "input", "output").blockSize(0), "(got: 0)");
        assertMessage(() -> SameDiffNtk.builder(sd, "input", "output").outputMode(null), "(got: null)");
        assertMessage(() -> SameDiffNtk.builder(sd, "input", "output").implementation(null), "(got: null)");
        assertMessage(() -> SameDiffNtk.builder(sd, "input", "output").memoryBudgetBytes(0), "(got: 0)");
        SameDiffNtk ntk = SameDiffNtk.of(sd, "input", "output");
        assertMessage(() -> ntk.compute(randn(DataType.DOUBLE, 1, 4, 4)), "expected features [n, 3]");
        assertMessage(() -> ntk.compute(randn(DataType.DOUBLE, 1, 4, 3), randn(DataType.DOUBLE, 1, 4)),
                "expected features [n, 3]");
        INDArray nan = randn(DataType.DOUBLE, 1, 4, 3);
        nan.putScalar(2, 1, Double.NaN);
        assertMessage(() -> ntk.compute(nan), "NaN");
        assertMessage(() -> ntk.compute(null), "must not be null");
        SameDiffNtk tiny = SameDiffNtk.builder(sd, "input", "output").memoryBudget(MemoryBudget.ofBytes(1000)).build();
        assertThrows(MemoryBudgetExceededException.class, () -> tiny.compute(randn(DataType.DOUBLE, 1, 40, 3)));

        SameDiff noParams = SameDiff.create();
        SDVariable in = noParams.placeHolder("input", DataType.DOUBLE, -1, 3);
        noParams.math.tanh("output", in);
        assertMessage(() -> SameDiffNtk.of(noParams, "input", "output"), "no trainable");

        SameDiff unknownShape = SameDiff.create();
        SDVariable any = unknownShape.placeHolder("input", DataType.DOUBLE, -1, -1);
        any.mmul("output", unknownShape.var("w", randn(DataType.DOUBLE, 1, 3, 2)));
        assertMessage(() -> SameDiffNtk.of(unknownShape, "input", "output"), "known non-batch dimensions");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "message should contain '" + part + "': " + e.getMessage());
    }

    static Map<String, INDArray> paramCopies(SameDiff sd) {
        Map<String, INDArray> r = new LinkedHashMap<>();
        for (String n : SameDiffGraphs.trainables(sd)) {
            r.put(n, sd.getVariable(n).getArr().dup());
        }
        return r;
    }
}
