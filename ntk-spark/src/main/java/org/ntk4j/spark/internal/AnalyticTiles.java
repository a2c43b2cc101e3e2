package org.ntk4j.spark.internal;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.dl4j.analytic.AnalyticKernel;
import org.ntk4j.dl4j.analytic.AnalyticKernels;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Infinite-width kernel rectangles: the configuration parsed from its JSON on the executor,
 * {@link AnalyticKernels#of} with the given rule.
 *
 * @param quadratureDegree fixed Gauss–Hermite nodes per dimension, or null for the error-controlled rule
 * @param tolerance        the error-controlled rule's tolerance
 * @param nngp             true for the NNGP kernel, false for the NTK
 * @param tile             examples per tile side
 */
public record AnalyticTiles(Integer quadratureDegree, double tolerance, boolean nngp, int tile)
        implements TileComputer<AnalyticKernel> {

    @Override
    public AnalyticKernel prepare(byte[] payload) {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(new String(payload, StandardCharsets.UTF_8));
        AnalyticKernel k = AnalyticKernels.of(conf).withTileSize(tile);
        return quadratureDegree != null ? k.withQuadratureDegree(quadratureDegree) : k.withTolerance(tolerance);
    }

    @Override
    public INDArray compute(AnalyticKernel k, INDArray a, INDArray b) {
        KernelPair kp = k.compute(a, b);
        return nngp ? kp.nngp() : kp.ntk();
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "analytic %s %s", nngp ? "NNGP" : "NTK",
                quadratureDegree != null ? "quadrature " + quadratureDegree : "tolerance " + tolerance);
    }
}
