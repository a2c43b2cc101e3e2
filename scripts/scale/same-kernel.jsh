// jshell -R-Xmx4g -R-Dorg.bytedeco.javacpp.maxphysicalbytes=12G --class-path <ntk4j classes>:ntk-examples/target/ntk.jar scripts/scale/same-kernel.jsh
// The library path of `ntk linearize` at N = 12,000 (--diag-reg 1, budget 3g so AUTO picks CG), writing the training
// kernel it used (Klin.npy) and its coefficients (alpha.npy) for linearize_check.py same.
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.kernel.MemoryBudget;
import org.ntk4j.dl4j.linearized.LinearizedNetwork;
var net = ModelSerializer.restoreMultiLayerNetwork(new java.io.File("/tmp/scale/mlp.zip"), false);
var x = ArrayFiles.read(java.nio.file.Path.of("/tmp/scale/x.npy"));
var y = ArrayFiles.read(java.nio.file.Path.of("/tmp/scale/y.npy"));
var m = LinearizedNetwork.of(net).diagReg(1.0).memoryBudget(MemoryBudget.ofBytes(3L << 30)).build().fitModel(new DataSet(x, y));
System.out.println(m + " " + m.iterativeSolution().get());
ArrayFiles.write(m.trainKernel(), java.nio.file.Path.of("/tmp/scale/Klin.npy"));
ArrayFiles.write(m.iterativeSolution().get().solution(), java.nio.file.Path.of("/tmp/scale/alpha.npy"));
/exit
