package org.ntk4j.examples.demo;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.analytic.Parameterization;
import org.ntk4j.dl4j.analytic.AnalyticKernel;
import org.ntk4j.dl4j.analytic.AnalyticKernels;

import java.util.SplittableRandom;

/**
 * The networks of Jacot et al. (2018, §6) as real DL4J {@code MultiLayerNetwork}s: fully connected ReLU stacks of
 * {@value #DEPTH} layers ({@value #DEPTH}−1 hidden layers of one width, one linear output), without biases, in the
 * <b>NTK parameterization</b> {@code z_{l+1} = (1/√n_l) h_l ω_l} with trainable {@code ω_l ~ N(0, 1)}.
 *
 * <p>DL4J computes {@code z = h W} with the trainable {@code W} itself. The factor {@code 1/√n_l} therefore goes into
 * the forward pass: every hidden layer's activation is {@link ScaledRelu} with {@code a = 1/√width}, and the inputs are
 * multiplied by {@code 1/√nIn} before they reach the network ({@link #scaleInputs}). The weights are initialised
 * {@code N(0, 1)}, reproducibly from the seed (drawn with {@code java.util.SplittableRandom}). Plain {@code Sgd(η)}
 * on {@code ω} is then exactly gradient descent in the NTK parameterization, and
 * ntk4j's empirical NTK of this network (a sum over {@code ω}) is the NTK-parameterization kernel, whose infinite-width
 * limit is {@link #analytic()} — the standard-parameterization DL4J network with {@code W ~ N(0, 1/fan_in)} has the
 * same function at initialisation but a kernel that grows with the width.
 */
public final class NtkMlp {
    /** Layers with weights (three hidden, one output), as in the paper. */
    public static final int DEPTH = 4;
    /** Input dimension (points of the unit circle). */
    public static final int INPUTS = 2;

    private NtkMlp() {
    }

    /**
     * @param width hidden width n
     * @param seed  DL4J's initialisation seed
     * @param lr    learning rate of the full-batch {@code Sgd}
     * @return an initialised network in DOUBLE
     */
    public static MultiLayerNetwork create(int width, long seed, double lr) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1 (got: " + width + ")");
        }
        double a = 1.0 / Math.sqrt(width);
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.DOUBLE).updater(new Sgd(lr)).weightInit(new NormalDistribution(0.0, 1.0))
                .list();
        int in = INPUTS;
        for (int l = 0; l < DEPTH - 1; l++) {
            b.layer(new DenseLayer.Builder().nIn(in).nOut(width).hasBias(false).activation(new ScaledRelu(a)).build());
            in = width;
        }
        b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(width).nOut(1).hasBias(false)
                .activation(Activation.IDENTITY).build());
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        gaussianParams(net, seed);
        return net;
    }

    /**
     * Overwrites every parameter with an independent N(0, 1) draw from {@link SplittableRandom}{@code (seed)}. ND4J's
     * own generator does not repeat its numbers from one JVM to the next even after {@code setSeed} (measured with
     * 1.0.0-M2.1: {@code Nd4j.randn} after {@code setSeed(0)} differs between runs), which would make the demo's
     * figures change from run to run.
     */
    private static void gaussianParams(MultiLayerNetwork net, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        INDArray p = net.params();                 // a view of every parameter, [P] or [1, P]
        long n = p.length();
        int chunk = 1 << 20;
        for (long off = 0; off < n; off += chunk) {
            int len = (int) Math.min(chunk, n - off);
            double[] v = new double[len];
            for (int i = 0; i < len; i++) {
                v[i] = r.nextGaussian();
            }
            INDArray part = p.rank() == 1 ? p.get(NDArrayIndex.interval(off, off + len))
                    : p.get(NDArrayIndex.point(0), NDArrayIndex.interval(off, off + len));
            part.assign(Nd4j.createFromArray(v));
        }
    }

    /**
     * @param x points {@code [n, 2]}
     * @return what the network takes: {@code x / √2} (the first layer's {@code 1/√n_0})
     */
    public static INDArray scaleInputs(INDArray x) {
        return x.mul(1.0 / Math.sqrt(INPUTS));
    }

    /**
     * The infinite-width kernels of these networks: built by {@link AnalyticKernels} from the equivalent
     * standard-parameterization configuration ({@code W ~ N(0, 1/fan_in)}, i.e. {@code σ_w² = 1}, ReLU, no biases),
     * switched to {@link Parameterization#NTK}. Width-independent; evaluate it on the unscaled points.
     *
     * @return the analytic NNGP and NTK
     */
    public static AnalyticKernel analytic() {
        int w = 16;   // the NTK parameterization's limit does not depend on the widths
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .weightInit(WeightInit.NORMAL).list();
        int in = INPUTS;
        for (int l = 0; l < DEPTH - 1; l++) {
            b.layer(new DenseLayer.Builder().nIn(in).nOut(w).hasBias(false).activation(Activation.RELU).build());
            in = w;
        }
        b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(w).nOut(1).hasBias(false)
                .activation(Activation.IDENTITY).build());
        MultiLayerConfiguration conf = b.build();
        return AnalyticKernels.of(conf).withParameterization(Parameterization.NTK);
    }
}
