// jshell --class-path ntk-examples/target/ntk.jar scripts/scale/f0.jsh  (writes /tmp/scale/f0.npy: the MLP's outputs on x)
import org.deeplearning4j.util.ModelSerializer;
import org.ntk4j.core.io.ArrayFiles;
var net = ModelSerializer.restoreMultiLayerNetwork(new java.io.File("/tmp/scale/mlp.zip"), false);
var x = ArrayFiles.read(java.nio.file.Path.of("/tmp/scale/x.npy"));
ArrayFiles.write(net.output(x, false), java.nio.file.Path.of("/tmp/scale/f0.npy"));
/exit
