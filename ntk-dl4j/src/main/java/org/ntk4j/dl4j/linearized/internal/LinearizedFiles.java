package org.ntk4j.dl4j.linearized.internal;

import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ReadOptions;
import org.ntk4j.dl4j.network.NetworkAdapter;
import org.ntk4j.dl4j.network.NetworkAdapters;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The zip format of a fitted linearized network, versioned: {@code settings.properties} (with
 * {@code format = ntk4j-linearized-<version>} and the network kind's tag), {@code network.zip} (θ0 by
 * {@code ModelSerializer}) and one {@code .npy} per array. Version 1 (the first release) may lack the kind's tag, which
 * then means a MultiLayerNetwork; its arrays may be ND4J's {@code .nd4j} binary. Version 2 adds the solver settings and
 * requires the tag. An unknown version or kind is refused, never guessed.
 */
public final class LinearizedFiles {
    /** The version this class writes, and the newest it reads. */
    public static final int VERSION = 2;
    private static final String PREFIX = "ntk4j-linearized-";

    /**
     * What a file holds.
     *
     * @param version  the format version read
     * @param settings the settings (learning rate, diagReg, kernel mode, solver, …)
     * @param network  the restored network at θ0
     * @param arrays   the arrays by name
     */
    public record Contents(int version, Properties settings, NetworkAdapter network, Map<String, INDArray> arrays) {
    }

    private LinearizedFiles() {
    }

    /**
     * Writes to a temporary file next to {@code file} and moves it into place (no partial file on failure).
     *
     * @param file     destination
     * @param settings settings (the format and kind are added)
     * @param network  the network at θ0
     * @param arrays   arrays by name (null values are skipped)
     * @throws IOException when writing fails
     */
    public static void write(File file, Properties settings, NetworkAdapter network, Map<String, INDArray> arrays)
            throws IOException {
        File dir = file.getAbsoluteFile().getParentFile();
        File tmp = File.createTempFile(".ntk4j-linearized", ".tmp", dir);
        try {
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp.toPath()))) {
                Properties p = new Properties();
                p.putAll(settings);
                p.setProperty("format", PREFIX + VERSION);
                p.setProperty("networkType", network.kind());
                zip.putNextEntry(new ZipEntry("settings.properties"));
                p.store(zip, "ntk4j linearized network");
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry("network.zip"));
                ByteArrayOutputStream net = new ByteArrayOutputStream();
                ModelSerializer.writeModel(network.model(), net, false);
                zip.write(net.toByteArray());
                zip.closeEntry();
                for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                    if (e.getValue() != null) {
                        zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                        ArrayFiles.writeNpy(e.getValue(), zip);
                        zip.closeEntry();
                    }
                }
            }
            Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp.toPath());
        }
    }

    /**
     * @param file     a file written by {@link #write} (any version up to {@link #VERSION})
     * @param required array names that must be present
     * @return its contents
     * @throws IOException naming the file and the problem (not a linearized network, unknown version, unknown
     *                     network kind, missing array)
     */
    public static Contents read(File file, String... required) throws IOException {
        Properties p = new Properties();
        byte[] net = null;
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file.toPath()))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                byte[] bytes = zip.readAllBytes();
                String name = e.getName();
                if (name.equals("settings.properties")) {
                    p.load(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.ISO_8859_1));
                } else if (name.equals("network.zip")) {
                    net = bytes;
                } else if (name.endsWith(".npy")) {
                    arrays.put(name.substring(0, name.length() - 4), ArrayFiles.readNpy(
                            new ByteArrayInputStream(bytes), file + ":" + name, bytes.length, ReadOptions.defaults()));
                } else if (name.endsWith(".nd4j")) {
                    // version 1 files saved before arrays were stored as .npy
                    arrays.put(name.substring(0, name.length() - 5),
                            Nd4j.read(new DataInputStream(new ByteArrayInputStream(bytes))));
                }
            }
        }
        String format = p.getProperty("format");
        if (format == null || !format.startsWith(PREFIX) || net == null) {
            throw new IOException(file + " is not a linearized network written by ntk4j (format " + format + ")");
        }
        int version;
        try {
            version = Integer.parseInt(format.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            throw new IOException(file + " is not a linearized network written by ntk4j (format " + format + ")");
        }
        if (version < 1 || version > VERSION) {
            throw new IOException(file + ": unknown version " + version + " of the linearized-network format, this "
                    + "reader supports <= " + VERSION + " (written by a newer ntk4j: upgrade to read it)");
        }
        for (String k : required) {
            if (!arrays.containsKey(k)) {
                throw new IOException(file + " lacks " + k + ".npy");
            }
        }
        String kind = p.getProperty("networkType");
        if (kind == null) {
            if (version >= 2) {
                throw new IOException(file + " does not say which kind of network it holds (networkType)");
            }
            kind = "MultiLayerNetwork"; // version 1 files written before graphs were supported
        }
        NetworkAdapter restored;
        try {
            restored = NetworkAdapters.restore(kind, net);
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot restore the network: " + e.getMessage(), e);
        }
        return new Contents(version, p, restored, new HashMap<>(arrays));
    }

}
