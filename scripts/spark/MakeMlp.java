import org.deeplearning4j.nn.conf.*; import org.deeplearning4j.nn.conf.layers.*; import org.deeplearning4j.nn.multilayer.*;
import org.deeplearning4j.util.ModelSerializer; import org.nd4j.linalg.activations.Activation; import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j; import org.nd4j.linalg.lossfunctions.LossFunctions;
/**
 * Writes the MLP d=32 -> W -> W -> 1 (ReLU, FLOAT, seed 1) as m.zip and N Gaussian features x.npy into the current
 * directory, for scripts/spark/figures.sh. Usage: java -cp ntk-examples/target/ntk.jar MakeMlp.java N W
 */
public class MakeMlp { public static void main(String[] a) throws Exception {
  int n = Integer.parseInt(a[0]), d = 32, w = Integer.parseInt(a[1]);
  MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).list()
    .layer(new DenseLayer.Builder().nIn(d).nOut(w).activation(Activation.RELU).build())
    .layer(new DenseLayer.Builder().nIn(w).nOut(w).activation(Activation.RELU).build())
    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(w).nOut(1).activation(Activation.IDENTITY).build()).build());
  net.init(); ModelSerializer.writeModel(net, new java.io.File("m.zip"), false);
  Nd4j.getRandom().setSeed(2); org.ntk4j.core.io.ArrayFiles.write(Nd4j.randn(DataType.FLOAT, n, d), java.nio.file.Path.of("x.npy"));
}}
