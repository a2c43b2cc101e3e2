package org.ntk4j.examples.bench;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.core.io.ArrayFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks that the PyTorch peer computes the same kernel as ntk4j: the network's weights and 16 inputs go to the peer
 * as {@code .npy} files, the peer's kernel comes back, and the relative Frobenius difference is reported.
 */
final class TorchAgreement {
    private static final int N = 16;

    private TorchAgreement() {
    }

    /**
     * @param peer a Python with torch
     * @param net  the benchmark MLP (dense layers, identity output)
     * @param mode TRACE or FULL
     * @return {@code ‖K_ntk4j − K_torch‖ / ‖K_torch‖} on 16 inputs, in the network's data type
     */
    static double relativeDifference(PythonPeer peer, MultiLayerNetwork net, OutputMode mode) {
        DataType type = net.getLayerWiseConfigurations().getDataType();
        INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(3).nextGaussian(new long[]{N, net.layerInputSize(0)})
                .castTo(type);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("ntk-torch-check");
            int layers = net.getnLayers();
            for (int l = 0; l < layers; l++) {
                ArrayFiles.write(net.getParam(l + "_W").castTo(DataType.DOUBLE).dup('c'), dir.resolve("W" + l + ".npy"));
                ArrayFiles.write(net.getParam(l + "_b").castTo(DataType.DOUBLE).dup('c'), dir.resolve("b" + l + ".npy"));
            }
            ArrayFiles.write(x.castTo(DataType.DOUBLE).dup('c'), dir.resolve("x.npy"));
            peer.run("torch_structured_ntk.py", List.of("--weights", dir.toString(), "--reps", "1",
                    "--dtype", type == DataType.FLOAT ? "float32" : "float64",
                    "--mode", mode == OutputMode.TRACE ? "trace" : "full"));
            INDArray theirs = ArrayFiles.read(dir.resolve("kernel.npy")).castTo(DataType.DOUBLE);
            INDArray ours = EmpiricalNtk.builder().implementation(NtkImplementation.STRUCTURED).outputMode(mode).build()
                    .compute(net, x).castTo(DataType.DOUBLE);
            return ours.sub(theirs).norm2Number().doubleValue() / theirs.norm2Number().doubleValue();
        } catch (IOException e) {
            throw new IllegalStateException("cannot exchange arrays with the peer: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // temporary files: best effort
                }
            }
        }
    }
}
