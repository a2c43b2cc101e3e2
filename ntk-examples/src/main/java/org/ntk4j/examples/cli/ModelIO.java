package org.ntk4j.examples.cli;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Loads DL4J {@code ModelSerializer} zips of either network kind, from a file or a pipe. The zip is checked first
 * (every entry readable, every CRC-32 right, a {@code configuration.json} and a {@code coefficients.bin}), so that a
 * damaged file is refused with one line before DL4J parses any of it.
 */
public final class ModelIO {
    private static final long MAX_ENTRY = 64L << 30;

    private ModelIO() {
    }

    /**
     * @param path a zip written by {@code ModelSerializer.writeModel} (or {@code net.save}), or a pipe
     * @return the MultiLayerNetwork or ComputationGraph it holds
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static Model load(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("--model " + path + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("--model " + path + ": is a directory, not a model zip");
        }
        if (Files.isRegularFile(path)) {
            return loadFile(path, path.toString());
        }
        Path tmp = null;
        try {
            // a pipe: ZipFile and ModelSerializer need random access, so the stream goes to a temporary file first
            tmp = Files.createTempFile("ntk-model-", ".zip");
            try (InputStream in = new FileInputStream(path.toFile());
                 java.io.OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) { // a plain loop: nothing that seeks, which a pipe refuses
                    out.write(buf, 0, r);
                }
            }
            return loadFile(tmp, path.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("--model " + path + ": cannot read: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a temporary file
                }
            }
        }
    }

    private static Model loadFile(Path file, String name) {
        String conf = check(file, name);
        File f = file.toFile();
        try {
            return conf.contains("\"vertices\"") ? ModelSerializer.restoreComputationGraph(f, false)
                    : ModelSerializer.restoreMultiLayerNetwork(f, false);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("");
            throw new IllegalArgumentException("--model " + name + ": not a model DL4J can restore (" + msg
                    + "); save it with ModelSerializer.writeModel(net, file, false)", e);
        }
    }

    /** @return the configuration JSON, after every entry's CRC-32 was checked */
    private static String check(Path file, String name) {
        String conf = null;
        boolean coefficients = false;
        try (ZipFile z = new ZipFile(file.toFile())) {
            byte[] buf = new byte[1 << 16];
            for (ZipEntry e : Collections.list(z.entries())) {
                if (e.getSize() > MAX_ENTRY) {
                    throw new IllegalArgumentException("--model " + name + ": entry " + e.getName() + " claims "
                            + e.getSize() + " bytes: not a DL4J model zip");
                }
                CRC32 crc = new CRC32();
                long total = 0;
                try (InputStream in = z.getInputStream(e)) {
                    StringBuilder text = e.getName().equals("configuration.json") ? new StringBuilder() : null;
                    java.io.ByteArrayOutputStream confBytes = text != null ? new java.io.ByteArrayOutputStream() : null;
                    int r;
                    while ((r = in.read(buf)) > 0) {
                        crc.update(buf, 0, r);
                        total += r;
                        if (confBytes != null) {
                            confBytes.write(buf, 0, r);
                        }
                    }
                    if (confBytes != null) {
                        conf = confBytes.toString(StandardCharsets.UTF_8);
                    }
                }
                if ((e.getCrc() >= 0 && crc.getValue() != e.getCrc()) || (e.getSize() >= 0 && total != e.getSize())) {
                    throw new IllegalArgumentException("--model " + name + ": the zip is damaged (entry " + e.getName()
                            + " fails its CRC-32 or size check)");
                }
                coefficients |= e.getName().equals("coefficients.bin");
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("--model")) {
                throw e;
            }
            throw new IllegalArgumentException("--model " + name + ": not a readable zip (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("--model " + name + ": not a readable zip (" + e.getMessage()
                    + "): give a file written by ModelSerializer.writeModel", e);
        }
        if (conf == null || !coefficients) {
            throw new IllegalArgumentException("--model " + name + ": not a DL4J model zip (no "
                    + (conf == null ? "configuration.json" : "coefficients.bin")
                    + "); save it with ModelSerializer.writeModel");
        }
        return conf;
    }
}
