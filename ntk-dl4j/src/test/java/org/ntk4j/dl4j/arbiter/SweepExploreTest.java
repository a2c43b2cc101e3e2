package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class SweepExploreTest {
    @Test
    void explore() {
        DiscreteParameterSpace<Integer> width = new DiscreteParameterSpace<>(32, 128, 512);
        double eta = Double.parseDouble(System.getProperty("eta", "0.5"));
        int steps = Integer.parseInt(System.getProperty("steps", "100"));
        long t0 = System.nanoTime();
        SweepResult r = WidthSweep.builder().space(SweepNets.space(width, LossFunctions.LossFunction.MSE), width)
                .data(SweepNets.circle(8, 0.25, DataType.FLOAT), SweepNets.circle(32, 0.5, DataType.FLOAT))
                .steps(steps).learningRateScaledByWidth(eta, 32).seeds(2).build().run();
        System.err.println(r.table() + r.toJson() + "\n" + (System.nanoTime() - t0) / 1e9 + " s");
    }
}
