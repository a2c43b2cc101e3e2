package org.ntk4j.dl4j.analytic;

import org.ntk4j.dl4j.internal.Features;
import org.ntk4j.dl4j.internal.Checks;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * Finite-width estimates of the kernels whose limit {@link AnalyticKernel} computes: the mean and spread of the
 * empirical NTK and NNGP over {@code k} independent initialisations of the same DL4J configuration.
 *
 * <p>Network {@code s} ({@code s = 0..k−1}) is {@code new MultiLayerNetwork(conf.clone())} with the seed of every layer
 * configuration set to {@code seed + s}, then {@code init()}; the user's configuration is not modified. The per-network
 * kernels are pluggable ({@link NetworkKernel}); the defaults are {@link NetworkKernel#empiricalNtk()} (the empirical NTK
 * of {@code net.output}, TRACE) and {@link NetworkKernel#preActivationNngp()}. With a non-identity output activation
 * the empirical NTK of {@code net.output} is not the pre-activation kernel that {@link AnalyticKernel} computes: use
 * {@code .ntk(NetworkKernel.preActivationNtk())} to compare those.
 * Accumulation is in DOUBLE; results have the data type of {@code x1}.
 *
 * <pre>{@code
 * MonteCarloResult mc = MonteCarloKernels.builder(conf).samples(32).seed(7).build().compute(x);
 * KernelPair limit = AnalyticKernels.of(conf).compute(x);   // mc.ntkMean() -> limit.ntk() as widths grow
 * }</pre>
 */
public final class MonteCarloKernels {
    private final MultiLayerConfiguration conf;
    private final int samples;
    private final long seed;
    private final NetworkKernel ntk;
    private final NetworkKernel nngp;

    private MonteCarloKernels(Builder b) {
        this.conf = b.conf.clone();
        this.samples = b.samples;
        this.seed = b.seed;
        this.ntk = b.ntk;
        this.nngp = b.nngp;
    }

    /**
     * @param conf the configuration to initialise repeatedly (not modified)
     * @return a builder: 16 samples, seed 0, the empirical NTK and the pre-activation NNGP sample
     */
    public static Builder builder(MultiLayerConfiguration conf) {
        return new Builder(conf);
    }

    /**
     * @param x features {@code [n, nIn]}
     * @return mean and spread of the kernels of {@code x} with itself
     */
    public MonteCarloResult compute(INDArray x) {
        return compute(x, null);
    }

    /**
     * @param x1 features {@code [n1, nIn]}, FLOAT or DOUBLE (images {@code [n1, C, H, W]} or {@code [n1, H, W, C]} when
     *           the configuration starts with a convolution)
     * @param x2 features or images like {@code x1}, or {@code null} for {@code x1}
     * @return mean and spread over the samples, {@code [n1, n2]} each, in the data type of {@code x1}
     */
    public MonteCarloResult compute(INDArray x1, INDArray x2) {
        Checks.notNull("x1", x1);
        long nIn = ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf.getConf(0).getLayer()).getNIn();
        boolean images = org.ntk4j.dl4j.analytic.internal.ConvStackMapper.isConvolutional(conf);
        for (INDArray x : x2 == null ? new INDArray[]{x1} : new INDArray[]{x1, x2}) {
            if (!images && (x.rank() != 2 || x.size(1) != nIn)) {
                throw new IllegalArgumentException("expected features " + Features.shape(new long[]{nIn}) + ", got " + Arrays.toString(x.shape()));
            }
            if (images && x.rank() != 4) {
                throw new IllegalArgumentException("expected images [n, C, H, W] or [n, H, W, C], got "
                        + Arrays.toString(x.shape()));
            }
        }
        Welford ntkAcc = null;
        Welford nngpAcc = null;
        for (int s = 0; s < samples; s++) {
            MultiLayerNetwork net = network(seed + s);
            INDArray k = ntk.compute(net, x1, x2).castTo(DataType.DOUBLE);
            INDArray g = nngp.compute(net, x1, x2).castTo(DataType.DOUBLE);
            if (ntkAcc == null) {
                ntkAcc = new Welford(k.shape());
                nngpAcc = new Welford(g.shape());
            }
            ntkAcc.add(k);
            nngpAcc.add(g);
        }
        DataType t = x1.dataType();
        return new MonteCarloResult(ntkAcc.mean.castTo(t), ntkAcc.std().castTo(t), nngpAcc.mean.castTo(t),
                nngpAcc.std().castTo(t), samples);
    }

    /**
     * @param s a seed
     * @return a fresh network of this configuration initialised with that seed
     */
    public MultiLayerNetwork network(long s) {
        MultiLayerConfiguration c = conf.clone();
        for (NeuralNetConfiguration layerConf : c.getConfs()) {
            layerConf.setSeed(s);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(c);
        net.init();
        return net;
    }

    /** Running mean and sum of squared deviations. */
    private static final class Welford {
        final INDArray mean;
        final INDArray m2;
        int count;

        Welford(long[] shape) {
            mean = Nd4j.zeros(DataType.DOUBLE, shape);
            m2 = Nd4j.zeros(DataType.DOUBLE, shape);
        }

        void add(INDArray x) {
            count++;
            INDArray delta = x.sub(mean);
            mean.addi(delta.div(count));
            m2.addi(delta.muli(x.sub(mean)));
        }

        INDArray std() {
            if (count < 2) {
                return Nd4j.zeros(DataType.DOUBLE, mean.shape());
            }
            return Transforms.sqrt(Transforms.max(m2.div(count - 1), 0.0), false);
        }
    }

    /** Builder of {@link MonteCarloKernels}; validated by {@link #build()}. */
    public static final class Builder {
        private final MultiLayerConfiguration conf;
        private int samples = 16;
        private long seed;
        private NetworkKernel ntk = NetworkKernel.empiricalNtk();
        private NetworkKernel nngp = NetworkKernel.preActivationNngp();

        private Builder(MultiLayerConfiguration conf) {
            this.conf = Checks.notNull("conf", conf);
        }

        /**
         * @param k number of networks, ≥ 1
         * @return this
         */
        public Builder samples(int k) {
            this.samples = k;
            return this;
        }

        /**
         * @param s seed of the first network (network i uses s + i)
         * @return this
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * @param k the per-network NTK (e.g. an EmpiricalNtk)
         * @return this
         */
        public Builder ntk(NetworkKernel k) {
            this.ntk = Checks.notNull("ntk", k);
            return this;
        }

        /**
         * @param k the per-network NNGP sample
         * @return this
         */
        public Builder nngp(NetworkKernel k) {
            this.nngp = Checks.notNull("nngp", k);
            return this;
        }

        /** @return the estimator */
        public MonteCarloKernels build() {
            Checks.atLeastOne("samples", samples);
            if (conf.getConfs() == null || conf.getConfs().isEmpty()
                    || !(conf.getConf(0).getLayer() instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer)) {
                throw new IllegalArgumentException("the configuration must start with a feed-forward layer with nIn set");
            }
            return new MonteCarloKernels(this);
        }
    }
}
