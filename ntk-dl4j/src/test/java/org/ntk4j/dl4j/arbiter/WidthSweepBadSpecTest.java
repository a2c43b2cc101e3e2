package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad specifications are refused in one line before Arbiter starts. */
class WidthSweepBadSpecTest extends NtkTestBase {
    private static final DataSet TRAIN = SweepNets.circle(6, 0.25, DataType.FLOAT);
    private static final DataSet TEST = SweepNets.circle(8, 0.5, DataType.FLOAT);

    private static void oneLine(Class<? extends Throwable> type, String expected, Executable call) {
        String msg = assertThrows(type, call).getMessage();
        assertTrue(msg.contains(expected), msg);
        assertFalse(msg.contains("\n"), msg);
    }

    @Test
    void widthSpaceThatIsNotAnIntegerSpace() {
        ContinuousParameterSpace c = new ContinuousParameterSpace(16, 64);
        IntegerParameterSpace used = new IntegerParameterSpace(16, 64);
        oneLine(IllegalArgumentException.class, "must be an IntegerParameterSpace or a DiscreteParameterSpace of Integers",
                () -> WidthSweep.builder().space(SweepNets.space(used, LossFunctions.LossFunction.MSE), c)
                        .data(TRAIN, TEST).steps(5).learningRate(0.01).build());
        DiscreteParameterSpace<String> s = new DiscreteParameterSpace<>("a", "b");
        oneLine(IllegalArgumentException.class, "DiscreteParameterSpace of Integers",
                () -> WidthSweep.builder().space(SweepNets.space(used, LossFunctions.LossFunction.MSE), s)
                        .data(TRAIN, TEST).steps(5).learningRate(0.01).build());
        oneLine(IllegalArgumentException.class, "is not used by the MultiLayerSpace",
                () -> WidthSweep.builder().space(SweepNets.space(used, LossFunctions.LossFunction.MSE),
                        new IntegerParameterSpace(16, 64)).data(TRAIN, TEST).steps(5).learningRate(0.01).build());
    }

    @Test
    void emptyOrSingleWidthList() {
        oneLine(IllegalArgumentException.class, "the width list is empty",
                () -> WidthSweep.builder().configuration(w -> SweepNets.mlp(w, 1, 0.1, DataType.FLOAT))
                        .data(TRAIN, TEST).steps(5).learningRate(0.01).build());
        oneLine(IllegalArgumentException.class, "at least 2 widths",
                () -> WidthSweep.builder().configuration(w -> SweepNets.mlp(w, 1, 0.1, DataType.FLOAT), 32)
                        .data(TRAIN, TEST).steps(5).learningRate(0.01).build());
    }

    @Test
    void nonMseLossForTheGap() {
        IntegerParameterSpace w = new IntegerParameterSpace(16, 64);
        oneLine(IllegalArgumentException.class, "the linearization gap needs an output layer with LossMSE",
                () -> WidthSweep.builder().space(SweepNets.space(w, LossFunctions.LossFunction.MEAN_ABSOLUTE_ERROR), w)
                        .data(TRAIN, TEST).steps(5).learningRate(0.01).build().run());
    }

    @Test
    void zeroStepBudgetAndMissingParts() {
        oneLine(IllegalArgumentException.class, "steps must be >= 1 (got: 0)", () -> WidthSweep.builder().steps(0));
        oneLine(IllegalArgumentException.class, "set steps(n)",
                () -> WidthSweep.builder().configuration(w -> SweepNets.mlp(w, 1, 0.1, DataType.FLOAT), 16, 32)
                        .data(TRAIN, TEST).learningRate(0.01).build());
        oneLine(IllegalArgumentException.class, "learning rate must be > 0", () -> WidthSweep.builder().learningRate(0));
        oneLine(IllegalArgumentException.class, "no data",
                () -> WidthSweep.builder().configuration(w -> SweepNets.mlp(w, 1, 0.1, DataType.FLOAT), 16, 32)
                        .steps(3).learningRate(0.01).build());
        oneLine(IllegalArgumentException.class, "the data does not fit the network",
                () -> WidthSweep.builder().configuration(w -> SweepNets.mlp(w, 1, 0.1, DataType.FLOAT), 16, 32)
                        .data(new DataSet(TRAIN.getFeatures().repeat(1, 2), TRAIN.getLabels()), TEST)
                        .steps(3).learningRate(0.01).build().run());
    }

    @Test
    void scoreFunctionsWithoutTheTaskListenerSayWhatToDo() {
        MultiLayerNetwork net = new MultiLayerNetwork(SweepNets.mlp(8, 1, 0.1, DataType.FLOAT));
        net.init();
        FullBatchData data = FullBatchData.of(TRAIN, TEST);
        oneLine(IllegalStateException.class, "NtkTaskListener",
                () -> NtkScoreFunctions.drift().score(net, data, Map.of()));
        oneLine(IllegalStateException.class, "NtkTaskListener",
                () -> NtkScoreFunctions.linearizationGap().score(net, data, Map.of()));
    }
}
