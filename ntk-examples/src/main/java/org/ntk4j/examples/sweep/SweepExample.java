package org.ntk4j.examples.sweep;

import org.deeplearning4j.arbiter.MultiLayerSpace;
import org.deeplearning4j.arbiter.layers.DenseLayerSpace;
import org.deeplearning4j.arbiter.layers.OutputLayerSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.ntk4j.dl4j.arbiter.SweepResult;
import org.ntk4j.dl4j.arbiter.WidthSweep;

import java.nio.file.Path;

/**
 * The example of {@code docs/sweeps.md}: a width sweep over a user's own Arbiter {@link MultiLayerSpace} on a small
 * teacher–student regression (4 inputs, target {@code tanh(x·w*)}).
 *
 * <pre>
 * java -cp ntk-examples/target/ntk.jar org.ntk4j.examples.sweep.SweepExample out/my-sweep
 * </pre>
 */
public final class SweepExample {
    private SweepExample() {
    }

    /**
     * @param args the output folder (default {@code out/my-sweep})
     */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "out/my-sweep");
        Nd4j.getRandom().setSeed(42);
        // data: 16 training and 64 test examples of a fixed "teacher"
        INDArray teacher = Nd4j.rand(DataType.FLOAT, 4, 1).subi(0.5).muli(2);
        INDArray xTrain = Nd4j.randn(DataType.FLOAT, 16, 4);
        INDArray xTest = Nd4j.randn(DataType.FLOAT, 64, 4);
        DataSet train = new DataSet(xTrain, Transforms.tanh(xTrain.mmul(teacher)));
        DataSet test = new DataSet(xTest, Transforms.tanh(xTest.mmul(teacher)));

        // snippet:sweep-page
        IntegerParameterSpace width = new IntegerParameterSpace(64, 1024);   // grid: 64, 304, 544, 784, 1024
        MultiLayerSpace space = new MultiLayerSpace.Builder()
                .weightInit(WeightInit.NORMAL)
                .addLayer(new DenseLayerSpace.Builder().nIn(4).nOut(width).activation(Activation.RELU).build())
                .addLayer(new DenseLayerSpace.Builder().nIn(width).nOut(width).activation(Activation.RELU).build())
                .addLayer(new OutputLayerSpace.Builder().nIn(width).nOut(1).activation(Activation.IDENTITY)
                        .lossFunction(LossFunctions.LossFunction.MSE).build())
                .build();

        SweepResult result = WidthSweep.builder()
                .space(space, width)                    // the same width object used in nOut(...)
                .data(train, test)                      // DataSets (or data(DataSetIterator, DataSetIterator),
                                                        //  data(DataProvider), dataSource(Class, Properties))
                .steps(100).learningRateScaledByWidth(0.05, 64)
                .seeds(2)                               // or seedValues(7, 11, 13)
                .build()
                .run();
        System.out.print(result.table());
        result.write(out);                              // results.csv, drift-vs-width.png, gap-vs-width.png
        double b = result.driftSlope().slope();         // with .low(), .high()
        // end
        System.out.println("wrote " + out.resolve("results.csv") + "; drift ~ width^" + b);
    }
}
