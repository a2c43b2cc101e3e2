package org.ntk4j.examples.bench;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * The exact per-example fallback (AUTO: LSTM through DL4J's batch-of-one backward passes, the output layer through
 * its rule) against JACOBIAN (every layer through per-example gradients) on an LSTM sequence model:
 * 32 inputs → LSTM(128) → RnnOutputLayer(1) per time step (m = T outputs per example), and the same LSTM pooled over
 * time into an OutputLayer(1). TRACE kernel of N examples, FLOAT.
 */
public final class SequenceBenchmark {
    private SequenceBenchmark() {
    }

    private static MultiLayerNetwork net(boolean sequenceOut, int t) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER).list()
                .layer(new LSTM.Builder().nOut(128).activation(Activation.TANH).build());
        Layer[] tail = sequenceOut
                ? new Layer[]{new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build()}
                : new Layer[]{new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY).build()};
        for (Layer l : tail) {
            b.layer(l);
        }
        MultiLayerNetwork n = new MultiLayerNetwork(b.setInputType(InputType.recurrent(32, t)).build());
        n.init();
        return n;
    }

    /**
     * @param n   examples
     * @param t   time steps
     * @param out receives one line per model and implementation
     */
    public static void run(int n, int t, Consumer<String> out) {
        INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(7).nextGaussian(new long[]{n, 32, t}).castTo(DataType.FLOAT);
        for (boolean seq : new boolean[]{false, true}) {
            MultiLayerNetwork net = net(seq, t);
            double[] secs = new double[2];
            NtkImplementation[] impls = {NtkImplementation.AUTO, NtkImplementation.JACOBIAN};
            for (int i = 0; i < 2; i++) {
                EmpiricalNtk ntk = EmpiricalNtk.builder().implementation(impls[i]).blockSize(64).build();
                ntk.compute(net, x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)));
                long t0 = System.nanoTime();
                ntk.compute(net, x);
                secs[i] = (System.nanoTime() - t0) / 1e9;
            }
            out.accept(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.2f× |",
                    seq ? "LSTM → RnnOutputLayer(1), m = T" : "LSTM → avg pool → OutputLayer(1), m = 1",
                    n, seq ? t : 1, secs[0], secs[1], secs[1] / secs[0]));
        }
    }
}
