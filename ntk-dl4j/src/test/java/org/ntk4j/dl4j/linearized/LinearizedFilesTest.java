package org.ntk4j.dl4j.linearized;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.testing.NtkTestBase;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertBitIdentical;

/**
 * The versioned file format of a fitted linearized network: files of version 1 (written by the first release, whose
 * settings had no network kind) still load; newer versions and unknown network kinds are refused by name.
 */
class LinearizedFilesTest extends NtkTestBase {
    private final DataSet train = Nets.data(DataType.DOUBLE, 3, 12, 3, 2);
    private final INDArray xTest = Nets.data(DataType.DOUBLE, 4, 5, 3, 2).getFeatures();

    /** A zip laid out as the first release wrote it, with {@code settings} as given. */
    private static File write(Path dir, String name, Properties settings, MultiLayerNetwork net, LinearizedModel m)
            throws IOException {
        File f = dir.resolve(name).toFile();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(f.toPath()))) {
            zip.putNextEntry(new ZipEntry("settings.properties"));
            settings.store(zip, "written like ntk4j's first release");
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("network.zip"));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ModelSerializer.writeModel(net, b, false);
            zip.write(b.toByteArray());
            zip.closeEntry();
            for (Map.Entry<String, INDArray> e : Map.of("trainFeatures", m.features(), "trainTargets", m.targets(),
                    "trainInitial", m.initial(), "trainKernel", m.kernel(), "alpha", m.alpha()).entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                ArrayFiles.writeNpy(e.getValue(), zip);
                zip.closeEntry();
            }
        }
        return f;
    }

    private static Properties v1() {
        Properties p = new Properties();
        p.setProperty("format", "ntk4j-linearized-1");
        p.setProperty("learningRate", "0.05");
        p.setProperty("diagReg", "0.0");
        p.setProperty("kernelMode", "FULL");
        return p;
    }

    @Test
    void versionOneFilesStillLoad(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = Nets.mlp(DataType.DOUBLE, 7, 3, 2, 0.05, Activation.TANH, 32, 16);
        LinearizedNetwork lin = LinearizedNetwork.of(net).build().fit(train);
        File f = write(dir, "v1.zip", v1(), net, lin.model());
        LinearizedNetwork back = LinearizedNetwork.load(f);
        assertBitIdentical(lin.output(xTest), back.output(xTest), "v1 file, at convergence");
        assertBitIdentical(lin.output(xTest, 30), back.output(xTest, 30), "v1 file, after 30 steps");
        Properties tagged = v1();
        tagged.setProperty("networkType", "MultiLayerNetwork");
        assertBitIdentical(lin.output(xTest), LinearizedNetwork.load(write(dir, "v1t.zip", tagged, net, lin.model()))
                .output(xTest), "v1 file with its kind");
    }

    @Test
    void newerVersionsAndUnknownKindsAreRefused(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = Nets.mlp(DataType.DOUBLE, 7, 3, 2, 0.05, Activation.TANH, 32, 16);
        LinearizedModel m = LinearizedNetwork.of(net).build().fitModel(train);
        Properties p = v1();
        p.setProperty("format", "ntk4j-linearized-3");
        p.setProperty("networkType", "MultiLayerNetwork");
        File f3 = write(dir, "v3.zip", p, net, m);
        IOException e = assertThrows(IOException.class, () -> LinearizedNetwork.load(f3));
        assertTrue(e.getMessage().contains("unknown version 3") && e.getMessage().contains("supports <= 2"),
                e.getMessage());
        p.setProperty("format", "ntk4j-linearized-2");
        p.setProperty("networkType", "SameDiffNetwork");
        File fk = write(dir, "kind.zip", p, net, m);
        e = assertThrows(IOException.class, () -> LinearizedNetwork.load(fk));
        assertTrue(e.getMessage().contains("unknown network kind 'SameDiffNetwork'")
                && e.getMessage().contains("MultiLayerNetwork"), e.getMessage());
        p.remove("networkType");
        File fn = write(dir, "nokind.zip", p, net, m);
        e = assertThrows(IOException.class, () -> LinearizedNetwork.load(fn));
        assertTrue(e.getMessage().contains("networkType"), e.getMessage());
        // what this version writes is version 2 and reads back
        File mine = dir.resolve("mine.zip").toFile();
        m.save(mine);
        assertBitIdentical(m.output(xTest), LinearizedModel.load(mine).output(xTest), "version 2 round trip");
    }
}
