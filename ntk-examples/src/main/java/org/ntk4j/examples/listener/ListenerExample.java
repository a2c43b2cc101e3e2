package org.ntk4j.examples.listener;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.dl4j.listener.NtkListener;
import org.ntk4j.dl4j.listener.NtkReport;
import org.ntk4j.dl4j.listener.NtkSinks;

import java.nio.file.Path;

/**
 * The example of {@code docs/listener.md}: trains a small MLP on the circle task (points on the unit circle, target
 * {@code sin 3t}) with an {@link NtkListener} attached, then writes the CSV, the JSON lines and the PNG report.
 *
 * <pre>{@code
 * java -cp ntk-examples/target/ntk.jar org.ntk4j.examples.listener.ListenerExample out/listener
 * }</pre>
 */
public final class ListenerExample {
    private ListenerExample() {
    }

    /**
     * @param args optional output directory (default {@code out/listener})
     */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "out/listener");

        // 256 points on the unit circle, target sin(3t); minibatches of 32
        int n = 256;
        INDArray x = Nd4j.create(DataType.FLOAT, n, 2), y = Nd4j.create(DataType.FLOAT, n, 1);
        for (int i = 0; i < n; i++) {
            double t = 2 * Math.PI * i / n;
            x.putScalar(i, 0, Math.cos(t));
            x.putScalar(i, 1, Math.sin(t));
            y.putScalar(i, 0, Math.sin(3 * t));
        }
        DataSet all = new DataSet(x, y);

        // snippet:listener-page
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1).updater(new Sgd(0.05)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(128).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(128).nOut(128).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(128).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();

        // probe: every 4th training point, with its label (for the kernel-target alignment)
        DataSet probe = new DataSet(x.get(NDArrayIndex.interval(0, 4, n)).dup(), y.get(NDArrayIndex.interval(0, 4, n)).dup());
        NtkListener ntk = NtkListener.builder(probe)
                .everyNIterations(20)
                .sink(NtkSinks.csv(out.resolve("ntk.csv")))
                .sink(NtkSinks.jsonLines(out.resolve("ntk.jsonl")))
                .build();
        net.addListeners(ntk);

        net.fit(new ListDataSetIterator<>(all.asList(), 32), 50);   // 8 iterations per epoch, 400 in all
        ntk.close();                                                // flushes and closes the file sinks

        NtkReport report = ntk.writeReport(out.resolve("report"));  // drift.png, spectrum.png, eigenvalues.png,
                                                                    // alignment.png, snapshots.csv
        System.out.println(NtkSinks.format(ntk.latest().orElseThrow()));
        // end
        System.out.println("report: " + report.files());
    }
}
