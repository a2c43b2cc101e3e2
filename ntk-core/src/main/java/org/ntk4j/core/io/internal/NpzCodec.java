package org.ntk4j.core.io.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.ArrayFormatException;
import org.ntk4j.core.kernel.MemoryBudget;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * {@code .npz} archives: zips (stored or deflated, zip64 included) whose entries {@code name.npy} are {@code .npy}
 * files. Each entry is validated like a file: its uncompressed size against its header, its CRC-32 against the zip.
 */
public final class NpzCodec {
    private NpzCodec() {
    }

    /**
     * Reads one array from an archive on disk (random access: the central directory lists the arrays).
     *
     * @param file   the archive
     * @param name   the file name for messages
     * @param entry  the array's name (with or without {@code .npy}), or {@code null} when the archive holds one array
     * @param budget the largest array that may be allocated
     * @return the array
     * @throws ArrayFormatException when the archive or the entry is malformed, or the name is missing or ambiguous
     * @throws IOException          on a read error
     */
    public static INDArray read(Path file, String name, String entry, MemoryBudget budget) throws IOException {
        try (ZipFile z = new ZipFile(file.toFile())) {
            List<String> arrays = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (ZipEntry e : Collections.list(z.entries())) {
                if (!e.isDirectory()) {
                    (e.getName().endsWith(".npy") ? arrays : others).add(e.getName());
                }
            }
            if (arrays.isEmpty()) {
                throw new ArrayFormatException(name, "not an .npz archive: it holds no .npy entries"
                        + (others.isEmpty() ? "" : " (it holds " + list(others) + ")"));
            }
            ZipEntry e = z.getEntry(choose(arrays, entry, name));
            String where = name + ":" + stem(e.getName());
            long crc = e.getCrc();
            try (InputStream raw = z.getInputStream(e);
                 CheckedInputStream in = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32())) {
                INDArray a = NpyReader.read(in, where, e.getSize(), budget);
                if (crc >= 0 && in.getChecksum().getValue() != crc) {
                    throw new ArrayFormatException(where, "corrupt: its CRC-32 does not match the zip directory");
                }
                return a;
            }
        } catch (ZipException e) {
            throw new ArrayFormatException(name, "not a readable .npz (zip) archive: " + e.getMessage(), e);
        } catch (ArrayFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // java.util.zip's refusal of entry names that are not UTF-8
            throw new ArrayFormatException(name, "not a readable .npz (zip) archive: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one array from an archive streamed from a pipe (entries in file order; the CRC is checked by the zip
     * reader; an archive of one array is read to its end to be sure there is no second one).
     *
     * @param stream the archive bytes
     * @param name   the name for messages
     * @param entry  the array's name, or {@code null} when the archive holds one array
     * @param budget the largest array that may be allocated
     * @return the array
     * @throws ArrayFormatException when the archive or the entry is malformed, or the name is missing or ambiguous
     * @throws IOException          on a read error
     */
    public static INDArray read(InputStream stream, String name, String entry, MemoryBudget budget) throws IOException {
        ZipInputStream z = new ZipInputStream(stream);
        List<String> seen = new ArrayList<>();
        INDArray found = null;
        try {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                if (e.isDirectory() || !e.getName().endsWith(".npy")) {
                    continue;
                }
                seen.add(e.getName());
                boolean wanted = entry == null ? found == null : e.getName().equals(entry)
                        || e.getName().equals(entry + ".npy");
                if (wanted && (entry == null || found == null)) {
                    found = NpyReader.read(z, name + ":" + stem(e.getName()), e.getSize(), budget);
                    if (z.read() >= 0) { // also makes the zip reader check the entry's CRC-32
                        throw new ArrayFormatException(name + ":" + stem(e.getName()), "the zip entry holds more bytes "
                                + "than its .npy header describes");
                    }
                    if (entry != null) {
                        return found;
                    }
                }
            }
        } catch (ZipException e) {
            throw new ArrayFormatException(name, "not a readable .npz (zip) archive: " + e.getMessage(), e);
        } catch (ArrayFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ArrayFormatException(name, "not a readable .npz (zip) archive: " + e.getMessage(), e);
        }
        choose(seen, entry, name);
        if (found == null) {
            throw new ArrayFormatException(name, "not an .npz archive: it holds no .npy entries");
        }
        return found;
    }

    private static String choose(List<String> entries, String entry, String name) {
        List<String> stems = entries.stream().map(NpzCodec::stem).toList();
        if (entry != null) {
            for (String e : entries) {
                if (e.equals(entry) || e.equals(entry + ".npy")) {
                    return e;
                }
            }
            throw new ArrayFormatException(name, "holds no array '" + entry + "'; it holds " + list(stems));
        }
        if (entries.size() == 1) {
            return entries.get(0);
        }
        if (entries.isEmpty()) {
            throw new ArrayFormatException(name, "holds no arrays");
        }
        throw new ArrayFormatException(name, "holds " + entries.size() + " arrays (" + list(stems) + "): name one, as "
                + "FILE.npz:" + stems.get(0));
    }

    private static String list(List<String> stems) {
        return stems.size() > 10 ? String.join(", ", stems.subList(0, 10)) + ", ..." : String.join(", ", stems);
    }

    private static String stem(String entryName) {
        return entryName.endsWith(".npy") ? entryName.substring(0, entryName.length() - 4) : entryName;
    }

    /**
     * @param arrays   names (without {@code .npy}) and arrays, in entry order
     * @param out      the stream (not closed)
     * @param compress deflate (as {@code np.savez_compressed}) or store (as {@code np.savez})
     * @throws IOException on a write error
     */
    public static void write(Map<String, INDArray> arrays, OutputStream out, boolean compress) throws IOException {
        ZipOutputStream z = new ZipOutputStream(out);
        z.setMethod(compress ? ZipOutputStream.DEFLATED : ZipOutputStream.STORED);
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            ZipEntry ze = new ZipEntry(e.getKey() + ".npy");
            if (!compress) {
                // STORED entries need size and CRC up front: write to memory first
                java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
                NpyWriter.write(e.getValue(), buf);
                CRC32 crc = new CRC32();
                byte[] b = buf.toByteArray();
                crc.update(b);
                ze.setSize(b.length);
                ze.setCompressedSize(b.length);
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(b);
            } else {
                z.putNextEntry(ze);
                NpyWriter.write(e.getValue(), z);
            }
            z.closeEntry();
        }
        z.finish();
    }
}
