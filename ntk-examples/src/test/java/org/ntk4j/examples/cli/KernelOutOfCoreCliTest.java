package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.testing.NtkTestBase;
import org.ntk4j.dl4j.EmpiricalNtk;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ntk kernel} with a kernel over {@code --memory-budget}: a .npy --out is written tile by tile, and says so. */
class KernelOutOfCoreCliTest extends NtkTestBase {
    @TempDir
    Path dir;

    @Test
    void aKernelOverTheBudgetGoesToTheNpyFileTileByTile() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(6).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(6).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        Path model = dir.resolve("m.zip"), x1 = dir.resolve("x.npy"), out = dir.resolve("k.npy");
        ModelSerializer.writeModel(net, model.toFile(), false);
        INDArray x = randn(DataType.DOUBLE, 1, 90, 3);
        ArrayFiles.write(x, x1);
        INDArray expected = EmpiricalNtk.builder().blockSize(16).build().compute(net, x);

        CliArrayFilesTest.Result r = CliArrayFilesTest.run("kernel", "--model", model.toString(), "--x1",
                x1.toString(), "--block-size", "16", "--memory-budget", "40k", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("but the memory budget is 40.0 KiB: writing it to " + out + " tile by tile")
                && r.err().contains("float"), r.err());
        assertTrue(r.out().contains("out of core") && r.out().contains("21 tiles computed, 0 resumed"), r.out());
        INDArray k = ArrayFiles.read(out);
        assertEquals(DataType.FLOAT, k.dataType());
        assertEquals(expected.castTo(DataType.FLOAT), k);
        assertFalse(Files.exists(KernelFile.partialPath(out)) || Files.exists(KernelFile.ledgerPath(out)));

        r = CliArrayFilesTest.run("kernel", "--model", model.toString(), "--x1", x1.toString(), "--block-size", "16",
                "--memory-budget", "40k", "--out-type", "double", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"out_of_core\":true") && r.out().contains("\"data_type\":\"DOUBLE\""), r.out());
        assertEquals(expected, ArrayFiles.read(out));

        // a .npz --out cannot be written tile by tile: refused, with the way out
        Path npz = dir.resolve("k.npz");
        r = CliArrayFilesTest.run("kernel", "--model", model.toString(), "--x1", x1.toString(), "--block-size", "16",
                "--memory-budget", "40k", "--out", npz.toString());
        CliArrayFilesTest.assertCleanRefusal(r, npz, "npz over budget");
        assertTrue(r.err().contains("give --out a .npy file"), r.err());
    }
}
