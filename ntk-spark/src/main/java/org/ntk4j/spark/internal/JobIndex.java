package org.ntk4j.spark.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The tile directory's index, {@code job.json}: what the tiles are (format, kernel, shape, tiling, data type) and
 * fingerprints of the inputs. Written by the driver before any task runs; a directory whose index differs from the
 * job's is refused (its tiles belong to another kernel), one with the same index is resumed (its tiles are kept).
 */
public final class JobIndex {
    /** The index's file name. */
    public static final String FILE = "job.json";
    /** The format's name and version. */
    public static final String FORMAT = "ntk4j-spark-tiles/1";

    private JobIndex() {
    }

    /**
     * @param grid       the tiling
     * @param kernel     the computer's one-line description
     * @param dataType   the tiles' data type
     * @param payloadSha fingerprint of the model zip or configuration
     * @param x1Sha      SHA-256 of x1's {@code .npy} bytes
     * @param x2Sha      SHA-256 of x2's, or null when symmetric
     * @return the index's text (one JSON object, fields in a fixed order)
     */
    public static String text(TileGrid grid, String kernel, String dataType, String payloadSha, String x1Sha,
                              String x2Sha) {
        return String.format(Locale.ROOT, "{\"format\":\"%s\",\"kernel\":\"%s\",\"n1\":%d,\"n2\":%d,\"tile\":%d,"
                        + "\"symmetric\":%b,\"block_rows\":%d,\"block_cols\":%d,\"data_type\":\"%s\","
                        + "\"tile_name\":\"tile-r<i>-c<j>.npy\",\"payload_sha256\":\"%s\",\"x1_sha256\":\"%s\","
                        + "\"x2_sha256\":%s}\n",
                FORMAT, kernel, grid.n1(), grid.n2(), grid.tile(), grid.symmetric(), grid.rows(), grid.cols(),
                dataType, payloadSha, x1Sha, x2Sha == null ? "null" : "\"" + x2Sha + "\"");
    }

    /**
     * Writes the index into an empty directory, or checks that a directory already holds this job.
     *
     * @param store the tile directory
     * @param text  the job's index
     * @return the number of tile files already present (to be kept)
     * @throws IllegalArgumentException when the directory holds another job's tiles or foreign files
     */
    public static int writeOrCheck(TileStore store, String text) {
        store.create();
        int tiles = 0;
        boolean index = false;
        for (String n : store.list()) {
            if (n.equals(FILE)) {
                index = true;
            } else if (n.startsWith("tile-r") && n.endsWith(".npy")) {
                tiles++;
            } else if (!n.startsWith(TileStore.TEMP_PREFIX)) {
                throw new IllegalArgumentException("tile directory " + store.uri() + " holds " + n
                        + ", which is not a tile of ntk4j: give an empty or new directory");
            }
        }
        if (!index) {
            if (tiles > 0) {
                throw new IllegalArgumentException("tile directory " + store.uri() + " holds " + tiles + " tiles but no "
                        + FILE + ": they cannot be checked; give an empty or new directory");
            }
            store.writeAtomically(FILE, text.getBytes(StandardCharsets.UTF_8));
            return 0;
        }
        String existing;
        try (InputStream in = store.open(FILE)) {
            existing = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!existing.equals(text)) {
            throw new IllegalArgumentException("tile directory " + store.uri() + " holds the tiles of another kernel ("
                    + FILE + " differs: " + existing.trim() + "); give an empty or new directory, or delete that one");
        }
        return tiles;
    }

    /**
     * @param zip a ModelSerializer zip
     * @return SHA-256 over the entries' names and contents (the zip's timestamps left out, so that saving the same
     * network twice gives the same fingerprint)
     */
    public static String zipSha256(byte[] zip) {
        MessageDigest md = sha();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                md.update(e.getName().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * @param bytes any bytes
     * @return their SHA-256, hexadecimal
     */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha().digest(bytes));
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
