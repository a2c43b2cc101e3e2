package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.dl4j.analytic.MonteCarloKernels;

/**
 * The covariance kernel of a network's outputs at initialisation, over random initialisations (the NNGP kernel at
 * infinite width): {@code K(x1, x2) [n1·o, n2·o]}, flat and example-major like the NTK. Used by
 * {@link LinearizedNetwork#predictiveCovariance(INDArray, double, PriorKernel)}.
 */
@FunctionalInterface
public interface PriorKernel {

    /**
     * @param x1 features {@code [n1, ...]}
     * @param x2 features {@code [n2, ...]}
     * @return {@code [n1·o, n2·o]}, DOUBLE or the network's data type
     */
    INDArray flat(INDArray x1, INDArray x2);

    /**
     * A Monte-Carlo estimate: the sample covariance of {@code net.output} over {@code samples} fresh initialisations
     * of the network's configuration (seeds {@code seed, seed + 1, ...}), the networks of
     * {@link MonteCarloKernels#network(long)}. Its error shrinks like
     * {@code 1/√samples}. Note that DL4J's {@code MultiLayerNetwork.init()} seeds ND4J's global random generator with
     * each configuration's seed, as any network initialisation does.
     *
     * @param net     a network whose configuration is re-initialised (the network itself is not touched)
     * @param samples number of initialisations, ≥ 2
     * @param seed    first seed
     * @return the estimate
     */
    static PriorKernel monteCarlo(MultiLayerNetwork net, int samples, long seed) {
        if (samples < 2) {
            throw new IllegalArgumentException("need at least 2 samples (got: " + samples + ")");
        }
        if (net == null) {
            throw new IllegalArgumentException("net must not be null (got: null)");
        }
        // the same re-initialisations as the finite-width kernel estimates: network s is seeded with seed + s
        MonteCarloKernels networks = MonteCarloKernels.builder(net.getLayerWiseConfigurations()).seed(seed)
                .samples(samples).build();
        return (x1, x2) -> {
            int n1 = (int) x1.size(0);
            INDArray both = Nd4j.concat(0, x1, x2);
            INDArray outs = null;
            for (int s = 0; s < samples; s++) {
                MultiLayerNetwork fresh = networks.network(seed + s);
                INDArray f = fresh.output(both.castTo(fresh.params().dataType()), false).castTo(DataType.DOUBLE);
                INDArray row = f.dup('c').reshape('c', 1, f.length());
                outs = outs == null ? row : Nd4j.concat(0, outs, row);
            }
            INDArray centred = outs.subRowVector(outs.mean(0));
            long o = outs.size(1) / both.size(0);
            INDArray a = centred.get(NDArrayIndex.all(), NDArrayIndex.interval(0, n1 * o));
            INDArray b = centred.get(NDArrayIndex.all(), NDArrayIndex.interval(n1 * o, outs.size(1)));
            return a.transpose().mmul(b).divi(samples - 1);
        };
    }
}
