package org.ntk4j.dl4j.arbiter;

import org.deeplearning4j.arbiter.DL4JConfiguration;
import org.deeplearning4j.arbiter.MultiLayerSpace;
import org.deeplearning4j.arbiter.layers.DenseLayerSpace;
import org.deeplearning4j.arbiter.layers.OutputLayerSpace;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.parameter.FixedValue;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.arbiter.internal.SweepSpace;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Arbiter 1.0.0-beta7's grid search with a one-valued leaf listed before the width: on the raw MultiLayerSpace the
 * first candidate fails (the width reads past the value array); through the sweep's space every candidate is
 * generated, with the sweep's seed, epochs and per-width learning rate.
 */
class SweepSpaceGridTest extends NtkTestBase {
    private static MultiLayerSpace space(DiscreteParameterSpace<Integer> width) {
        return new MultiLayerSpace.Builder()
                .addLayer(new DenseLayerSpace.Builder().nIn(2).nOut(width).activation(Activation.RELU).build())
                .addLayer(new OutputLayerSpace.Builder().nIn(width).nOut(1).activation(Activation.IDENTITY)
                        // a one-valued leaf: Arbiter lists the output layer's leaves before the width
                        .lossFunction(new DiscreteParameterSpace<>(LossFunctions.LossFunction.MSE)).build())
                .build();
    }

    @Test
    void rawSpaceFailsSweepSpaceGeneratesEveryWidth() {
        DiscreteParameterSpace<Integer> w1 = new DiscreteParameterSpace<>(8, 16, 32);
        GridSearchCandidateGenerator raw = new GridSearchCandidateGenerator(space(w1), 5,
                GridSearchCandidateGenerator.Mode.Sequential, null);
        assertEquals(3, raw.getTotalNumCandidates());
        assertNotNull(raw.getCandidate().getException(), "beta7 grid search indexes past the value array here");

        DiscreteParameterSpace<Integer> w2 = new DiscreteParameterSpace<>(8, 16, 32);
        SweepSpace sweep = new SweepSpace(space(w2), null, w2, new FixedValue<>(5L), 7, w -> 1.0 / w, null);
        GridSearchCandidateGenerator gen = new GridSearchCandidateGenerator(sweep, 5,
                GridSearchCandidateGenerator.Mode.Sequential, null);
        List<Long> nOut = new ArrayList<>();
        while (gen.hasMoreCandidates()) {
            Candidate<?> cand = gen.getCandidate();
            assertNull(cand.getException());
            DL4JConfiguration conf = (DL4JConfiguration) cand.getValue();
            DenseLayer layer = (DenseLayer) conf.getMultiLayerConfiguration().getConf(0).getLayer();
            nOut.add(layer.getNOut());
            assertEquals(5L, conf.getMultiLayerConfiguration().getConf(1).getSeed());
            assertEquals(7, conf.getNumEpochs());
            Sgd sgd = (Sgd) ((BaseLayer) conf.getMultiLayerConfiguration().getConf(1).getLayer()).getIUpdater();
            assertEquals(1.0 / layer.getNOut(), sgd.getLearningRate(), 1e-15);
        }
        assertEquals(List.of(8L, 16L, 32L), nOut);
    }
}
