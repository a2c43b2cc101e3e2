// jshell --class-path ntk-examples/target/ntk.jar scripts/scale/make-model.jsh  (writes /tmp/scale/mlp.zip)
// The MLP 32 -> 512 -> 512 -> 1 (ReLU, MSE output, FLOAT, Sgd(0.1), seed 42) of docs/scale.md.
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
// (jshell: a line may not start with '.', so the chain is split after the dots)
var conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT).updater(new Sgd(0.1)).
        weightInit(WeightInit.RELU).list().
        layer(new DenseLayer.Builder().nIn(32).nOut(512).activation(Activation.RELU).build()).
        layer(new DenseLayer.Builder().nIn(512).nOut(512).activation(Activation.RELU).build()).
        layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(512).nOut(1).
                activation(Activation.IDENTITY).build()).build();
var net = new MultiLayerNetwork(conf);
net.init();
new java.io.File("/tmp/scale").mkdirs();
ModelSerializer.writeModel(net, new java.io.File("/tmp/scale/mlp.zip"), false);
/exit
