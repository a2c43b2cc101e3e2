package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/** Loads DL4J {@code ModelSerializer} zips of either network kind. */
public final class ModelIO {
    private ModelIO() {
    }

    /**
     * @param path a zip written by {@code ModelSerializer.writeModel} (or {@code net.save})
     * @return the MultiLayerNetwork or ComputationGraph it holds
     */
    public static Model load(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("cannot read model " + path + ": no such file");
        }
        File f = path.toFile();
        String conf;
        try (ZipFile z = new ZipFile(f)) {
            var entry = z.getEntry("configuration.json");
            if (entry == null) {
                throw new IllegalArgumentException("cannot read model " + path
                        + ": not a DL4J model zip (no configuration.json); save it with ModelSerializer.writeModel");
            }
            conf = new String(z.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read model " + path + ": " + e.getMessage());
        }
        try {
            return conf.contains("\"vertices\"") ? ModelSerializer.restoreComputationGraph(f, false)
                    : ModelSerializer.restoreMultiLayerNetwork(f, false);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read model " + path + ": " + e.getMessage());
        }
    }
}
