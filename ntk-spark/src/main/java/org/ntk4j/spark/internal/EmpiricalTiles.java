package org.ntk4j.spark.internal;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Empirical NTK rectangles: the network restored from its ModelSerializer zip, {@link EmpiricalNtk} with one engine
 * tile per kernel tile.
 *
 * @param graph          true for a ComputationGraph, false for a MultiLayerNetwork
 * @param implementation the engine's implementation
 * @param mode           TRACE or FULL
 * @param tile           examples per tile side (the engine's block size)
 */
public record EmpiricalTiles(boolean graph, NtkImplementation implementation, OutputMode mode, int tile)
        implements TileComputer<EmpiricalTiles.Prepared> {

    /** A restored network and its engine (the engine caches the network's plan). */
    public record Prepared(Model model, EmpiricalNtk ntk) {
    }

    @Override
    public Prepared prepare(byte[] payload) {
        try {
            Model m = graph ? ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(payload), false)
                    : ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(payload), false);
            return new Prepared(m, EmpiricalNtk.builder().implementation(implementation).outputMode(mode)
                    .blockSize(tile).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the broadcast network: " + e.getMessage(), e);
        }
    }

    @Override
    public INDArray compute(Prepared p, INDArray a, INDArray b) {
        return p.ntk().compute(p.model(), a, b);
    }

    @Override
    public String describe() {
        return "empirical " + (graph ? "ComputationGraph" : "MultiLayerNetwork") + " " + implementation + " " + mode;
    }
}
