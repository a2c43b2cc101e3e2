package org.ntk4j.core.io;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.internal.AtomicFiles;
import org.ntk4j.core.io.internal.CsvCodec;
import org.ntk4j.core.io.internal.NpyHeaderCodec;
import org.ntk4j.core.io.internal.NpyReader;
import org.ntk4j.core.io.internal.NpyWriter;
import org.ntk4j.core.io.internal.NpzCodec;
import org.ntk4j.core.kernel.KernelLayout;

import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes arrays as NumPy {@code .npy}/{@code .npz} or CSV files, exactly or not at all.
 *
 * <pre>{@code
 * INDArray x = ArrayFiles.read(Path.of("x.npy"));                   // any layout and numeric dtype numpy writes
 * INDArray t = ArrayFiles.read("data.npz:x_test", ReadOptions.defaults());   // one array of an archive
 * ArrayFiles.write(kernel, Path.of("k.npy"));                       // atomic: temporary file, then rename
 * }</pre>
 *
 * <p><b>Reading.</b> {@code .npy} versions 1.0, 2.0 and 3.0; C or Fortran order; little- or big-endian; float16/32/64,
 * int8/16/32/64 and uint8/16/32/64 (unsigned types widen to the next signed ND4J type; bool, complex, strings, objects
 * and structured arrays are refused with the reason); 0-d to n-d. The header is validated, and compared with the file
 * size, before anything is allocated: a truncated or oversized file is refused with the expected and actual byte
 * counts. {@code .npz}: zips of {@code .npy} entries, stored or deflated, each entry validated the same way and against
 * its CRC-32. CSV: see {@link CsvHeader}; values are read as DOUBLE. The result is always a C-order array.
 * Data are read from the file's channel straight into the array's memory (in chunks, with long offsets), so files
 * over 2 GB read like small ones (memory permitting: the {@link ReadOptions#memoryBudget()} is checked first). Paths that are not regular files — pipes, {@code /dev/stdin},
 * a shell's {@code <(...)} — are read as streams: the format is then recognised from the content, and the size checks
 * happen while reading. ND4J's own {@code .npy} parser is never used.
 *
 * <p><b>Writing.</b> {@code .npy} version 1.0 (2.0 when the header needs it), little-endian, C order, the ND4J type
 * kept; {@code .npz} deflated; CSV for 1-D and 2-D arrays (a 4-D FULL kernel as its flattened {@code [n1·o, n2·o]}
 * layout), with a header row through {@link #writeCsv}. Every write goes to a temporary file in the target's directory and is renamed into place.
 *
 * <p>Every refusal is an {@link ArrayFormatException} (an {@link IllegalArgumentException}) whose one-line message
 * starts with the file's name; I/O errors are wrapped the same way.
 */
public final class ArrayFiles {
    private ArrayFiles() {
    }

    /**
     * @param path a {@code .npy}, {@code .npz} (of one array) or CSV file, or a pipe
     * @return the array
     * @throws ArrayFormatException when the file cannot be read exactly
     */
    public static INDArray read(Path path) {
        return read(path, ReadOptions.defaults());
    }

    /**
     * @param path    a {@code .npy}, {@code .npz} or CSV file, or a pipe
     * @param options which {@code .npz} entry, CSV header mode, memory budget
     * @return the array
     * @throws ArrayFormatException when the file cannot be read exactly
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException when the array would not fit the budget
     */
    public static INDArray read(Path path, ReadOptions options) {
        String name = path.toString();
        if (!Files.exists(path)) {
            throw new ArrayFormatException(name, "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new ArrayFormatException(name, "is a directory, not an array file");
        }
        boolean regular = Files.isRegularFile(path);
        ArrayFormat byName = regular ? ArrayFormat.ofFileName(path.getFileName().toString()) : null;
        try {
            if (byName == ArrayFormat.NPZ) {
                return NpzCodec.read(path, name, options.npzEntry(), options.memoryBudget());
            }
            long size = regular ? Files.size(path) : -1;
            // no read-ahead buffer under the header: the data are then read from the channel, straight into the
            // array (FileInputStream, not the NIO stream, whose available() seeks, which a pipe refuses)
            try (FileInputStream file = new FileInputStream(path.toFile());
                 PushbackInputStream in = new PushbackInputStream(file, 8)) {
                ArrayFormat sniffed = sniff(in);
                ArrayFormat format = byName == null ? sniffed : byName;
                if (byName != null && sniffed != ArrayFormat.CSV && sniffed != byName) {
                    throw new ArrayFormatException(name, "is named ." + byName.name().toLowerCase(Locale.ROOT)
                            + " but holds " + (sniffed == ArrayFormat.NPY ? "a .npy array" : "a zip (.npz) archive")
                            + ": rename it");
                }
                if (options.npzEntry() != null && format != ArrayFormat.NPZ) {
                    throw new ArrayFormatException(name, "is not an .npz archive, so it has no array '"
                            + options.npzEntry() + "'");
                }
                return switch (format) {
                    case NPY -> NpyReader.read(in, file.getChannel(), name, size, options.memoryBudget());
                    case NPZ -> NpzCodec.read(new BufferedInputStream(in, 1 << 16), name, options.npzEntry(),
                            options.memoryBudget());
                    case CSV -> CsvCodec.read(new BufferedInputStream(in, 1 << 16), name, options.csvHeader(),
                            options.memoryBudget());
                };
            }
        } catch (NoSuchFileException e) {
            throw new ArrayFormatException(name, "no such file", e);
        } catch (IOException e) {
            throw new ArrayFormatException(name, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code location}, which is a path or {@code ARCHIVE.npz:NAME} (one array of an archive).
     *
     * @param location a path, or an {@code .npz} path, a colon and an array name
     * @param options  CSV header mode and memory budget (an entry named in {@code location} replaces its entry)
     * @return the array
     * @throws ArrayFormatException when the file cannot be read exactly
     */
    public static INDArray read(String location, ReadOptions options) {
        int colon = location.lastIndexOf(':');
        if (colon > 0 && !Files.exists(Path.of(location))) {
            String file = location.substring(0, colon);
            if (file.toLowerCase(Locale.ROOT).endsWith(".npz") && colon + 1 < location.length()) {
                return read(Path.of(file), options.withNpzEntry(location.substring(colon + 1)));
            }
        }
        return read(Path.of(location), options);
    }

    /**
     * Reads only the header of a {@code .npy} file (validated against the file size).
     *
     * @param path a {@code .npy} file
     * @return its header
     * @throws ArrayFormatException when the header is malformed or does not match the file size
     */
    public static NpyHeader readNpyHeader(Path path) {
        String name = path.toString();
        boolean regular = Files.isRegularFile(path);
        try (InputStream in = new BufferedInputStream(open(path, regular))) {
            return NpyReader.readHeader(in, name, regular ? Files.size(path) : -1);
        } catch (NoSuchFileException e) {
            throw new ArrayFormatException(name, "no such file", e);
        } catch (IOException e) {
            throw new ArrayFormatException(name, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a block of a 2-D {@code .npy} file (little-endian float32/float64, C order, such as a kernel file written
     * by {@link KernelFile}) without reading the rest; offsets are {@code long}s, so files over 2 GB read like small ones.
     *
     * @param path a 2-D {@code <f4} or {@code <f8} C-order {@code .npy} file
     * @param r0   first row
     * @param r1   one past the last row
     * @param c0   first column
     * @param c1   one past the last column
     * @return {@code [r1 − r0, c1 − c0]} in the file's type, C order
     * @throws ArrayFormatException when the file is not such an array or the block is outside it
     */
    public static INDArray readNpyBlock(Path path, long r0, long r1, long c0, long c1) {
        return org.ntk4j.core.io.internal.TileBytes.readBlock(path, readNpyHeader(path), r0, r1, c0, c1);
    }

    /**
     * Reads one {@code .npy} array from a stream (a zip entry, a socket), validated as a file is.
     *
     * @param in      the stream, positioned at the magic string; read up to the end of the array (to its end when
     *                {@code size} is {@code -1}); not closed
     * @param name    the name for messages
     * @param size    the stream's exact length in bytes, or {@code -1} when unknown
     * @param options the memory budget (other options do not apply)
     * @return the array, C order
     * @throws ArrayFormatException when the stream does not hold exactly one such array
     */
    public static INDArray readNpy(InputStream in, String name, long size, ReadOptions options) {
        try {
            return NpyReader.read(in, name, size, options.memoryBudget());
        } catch (IOException e) {
            throw new ArrayFormatException(name, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Writes one array as {@code .npy} to a stream (not atomic: use {@link #write(INDArray, Path)} for files).
     *
     * @param a   the array
     * @param out the stream, not closed
     * @throws IOException              on a write error
     * @throws ArrayFormatException     for a type {@code .npy} files of this library do not hold (e.g. BOOL)
     */
    public static void writeNpy(INDArray a, java.io.OutputStream out) throws IOException {
        try {
            NpyWriter.write(a, out);
        } catch (ArrayFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ArrayFormatException("array", e.getMessage(), e);
        }
    }

    /**
     * Writes {@code a} atomically, in the format the extension names ({@code .npy}, {@code .npz} holding one array
     * {@code arr_0} as numpy names it, {@code .csv}).
     *
     * @param a    the array
     * @param path the destination
     * @throws ArrayFormatException when the extension names no format, the directory is missing, the array's type or
     *                              rank does not fit the format, or a write fails (the destination is then untouched)
     */
    public static void write(INDArray a, Path path) {
        ArrayFormat f = ArrayFormat.ofFileName(path.getFileName().toString());
        if (f == null) {
            throw new ArrayFormatException(path.toString(), "cannot write: use a .npy, .npz or .csv file name");
        }
        switch (f) {
            case NPY -> atomic(path, out -> NpyWriter.write(a, out), a);
            case NPZ -> writeNpz(Map.of("arr_0", a), path);
            case CSV -> {
                INDArray m = a.rank() == 4 ? KernelLayout.flatten(a) : a.rank() == 1 ? a.reshape(1, a.length()) : a;
                if (m.rank() != 2) {
                    throw new ArrayFormatException(path.toString(), "cannot write a rank-" + a.rank()
                            + " array as CSV (1-D, 2-D or a 4-D FULL kernel): use .npy");
                }
                atomic(path, out -> CsvCodec.write(m, null, out), a);
            }
            default -> throw new IllegalStateException("unhandled " + f);
        }
    }

    /**
     * Writes a 2-D array as CSV with a header row of column names, atomically; {@link #read(Path)} detects the
     * header and reads the numbers back to the same {@code double}s.
     *
     * @param table  a 2-D array {@code [rows, columns]}
     * @param header one non-numeric name per column (no commas, {@code #}, quotes or spaces)
     * @param path   the destination
     * @throws ArrayFormatException when the array is not 2-D, a name is invalid, or a write fails
     */
    public static void writeCsv(INDArray table, java.util.List<String> header, Path path) {
        if (table.rank() != 2) {
            throw new ArrayFormatException(path.toString(), "cannot write a rank-" + table.rank()
                    + " array as a CSV table: give [rows, columns]");
        }
        java.util.List<String> names = java.util.List.copyOf(header);
        atomic(path, out -> CsvCodec.write(table, names, out), null, () -> CsvCodec.checkHeader(names, table.size(1)));
    }

    /**
     * Writes several arrays as one deflated {@code .npz} archive, atomically; numpy reads them back with
     * {@code np.load(path)[name]}.
     *
     * @param arrays names (letters, digits, {@code _ - .}) and arrays, in entry order
     * @param path   the destination
     * @throws ArrayFormatException when a name is invalid, a type cannot be written, or a write fails
     */
    public static void writeNpz(Map<String, INDArray> arrays, Path path) {
        Map<String, INDArray> copy = new LinkedHashMap<>(arrays);
        for (Map.Entry<String, INDArray> e : copy.entrySet()) {
            if (e.getKey() == null || !e.getKey().matches("[A-Za-z0-9_.-]+") || e.getValue() == null) {
                throw new ArrayFormatException(path.toString(), "cannot write array name '" + e.getKey()
                        + "': use letters, digits, '_', '-', '.' and a non-null array");
            }
        }
        atomic(path, out -> NpzCodec.write(copy, out, true), null);
    }

    private static void atomic(Path path, AtomicFiles.Content content, INDArray typeCheck) {
        atomic(path, content, typeCheck, () -> { });
    }

    private static void atomic(Path path, AtomicFiles.Content content, INDArray typeCheck, Runnable check) {
        try {
            if (typeCheck != null && ArrayFormat.ofFileName(path.getFileName().toString()) == ArrayFormat.NPY) {
                org.ntk4j.core.io.internal.NpyDtype.descrOf(typeCheck.dataType());
            }
            check.run();
            AtomicFiles.write(path, content);
        } catch (IOException e) {
            throw new ArrayFormatException(path.toString(), "cannot write: " + e.getMessage(), e);
        } catch (ArrayFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ArrayFormatException(path.toString(), e.getMessage(), e);
        }
    }

    /** Pipes through FileInputStream: the NIO stream's available() seeks, which a pipe refuses. */
    private static InputStream open(Path path, boolean regular) throws IOException {
        return regular ? Files.newInputStream(path) : new java.io.FileInputStream(path.toFile());
    }

    private static ArrayFormat sniff(PushbackInputStream in) throws IOException {
        byte[] b = new byte[6];
        int n = 0, r;
        while (n < 6 && (r = in.read(b, n, 6 - n)) > 0) {
            n += r;
        }
        in.unread(b, 0, n);
        if (n >= 6 && Arrays.equals(b, NpyHeaderCodec.MAGIC) || n > 0 && n < 6 && b[0] == (byte) 0x93) {
            return ArrayFormat.NPY;
        }
        if (n >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4) {
            return ArrayFormat.NPZ;
        }
        return ArrayFormat.CSV;
    }
}
