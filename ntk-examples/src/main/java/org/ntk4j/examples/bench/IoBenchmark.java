package org.ntk4j.examples.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.ArrayFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reading speed of {@link ArrayFiles}: a {@code [rows, 128]} float64 array as {@code .npy} in C order, Fortran order
 * and big-endian, as {@code .npz} and as CSV; and writing it as {@code .npy}. Each time is the minimum over the
 * repetitions, with the file in the page cache, against references measured in the same run on the same file:
 * a bare {@code FileChannel} read of its bytes into one preallocated buffer (the copy no reader avoids), the
 * allocation of the ND4J array alone (fresh native memory, which every read needs) and, when python3 with numpy is
 * on the PATH, {@code np.load} (keeping every result, so that it too reads into fresh memory).
 *
 * <pre>{@code
 * System.out.println(IoBenchmark.run(262144, 3));   // 256 MiB
 * }</pre>
 */
public final class IoBenchmark {
    private static final int COLS = 128;

    private IoBenchmark() {
    }

    /**
     * @param rows rows of the {@code [rows, 128]} array
     * @param reps timed repetitions (minimum reported)
     * @return a Markdown table
     */
    public static String run(int rows, int reps) {
        Path dir;
        try {
            dir = Files.createTempDirectory("ntk-io-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            INDArray x = Nd4j.rand(DataType.DOUBLE, rows, COLS);
            Path c = dir.resolve("c.npy"), f = dir.resolve("f.npy"), be = dir.resolve("be.npy"),
                    npz = dir.resolve("x.npz"), csv = dir.resolve("x.csv");
            ArrayFiles.write(x, c);
            ArrayFiles.write(x.dup('f'), f); // written in C order: same bytes as c
            ArrayFiles.write(x, npz);
            python(dir, "import numpy as np; x = np.load('c.npy'); np.save('f.npy', np.asfortranarray(x)); "
                    + "np.save('be.npy', x.astype('>f8'))");
            boolean numpy = Files.exists(be);
            ArrayFiles.write(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.min(rows, 16384)),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()), csv);
            long bytes = size(c);
            double raw = min(reps, () -> rawRead(c));
            double alloc = min(reps, () -> Nd4j.createUninitialized(DataType.DOUBLE, new long[]{rows, COLS}, 'c'));
            List<String[]> rowsOut = new ArrayList<>();
            rowsOut.add(row(".npy C order, little-endian", min(reps, () -> ArrayFiles.read(c)), bytes, raw,
                    numpy ? numpyLoad(dir, "c.npy", reps) : Double.NaN));
            if (numpy) {
                rowsOut.add(row(".npy Fortran order", min(reps, () -> ArrayFiles.read(f)), bytes, raw,
                        numpyLoad(dir, "f.npy", reps)));
                rowsOut.add(row(".npy big-endian", min(reps, () -> ArrayFiles.read(be)), bytes, raw,
                        numpyLoad(dir, "be.npy", reps)));
            }
            rowsOut.add(row(".npz (deflated)", min(reps, () -> ArrayFiles.read(npz)), bytes, raw,
                    numpy ? numpyLoad(dir, "x.npz", reps) : Double.NaN));
            long csvBytes = size(csv);
            rowsOut.add(row("CSV (" + Math.min(rows, 16384) + " rows)", min(reps, () -> ArrayFiles.read(csv)), csvBytes,
                    Double.NaN, Double.NaN));
            Path out = dir.resolve("w.npy");
            rowsOut.add(row("write .npy (atomic)", min(reps, () -> ArrayFiles.write(x, out)), bytes, Double.NaN,
                    Double.NaN));
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "[%d, %d] float64, %.0f MiB; bare FileChannel read of the same bytes into a reused buffer: %.3f s "
                            + "(%.2f GB/s); allocating the ND4J array alone (Nd4j.createUninitialized): %.3f s%s%n%n",
                    rows, COLS, bytes / 1048576.0, raw, bytes / raw / 1e9, alloc,
                    numpy ? "" : "; numpy not found: no np.load column, no Fortran/big-endian files"));
            sb.append("| file | seconds | GB/s | / bare read | / np.load |\n|---|---|---|---|---|\n");
            for (String[] r : rowsOut) {
                sb.append("| ").append(String.join(" | ", r)).append(" |\n");
            }
            return sb.toString();
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // temporary files
            }
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] row(String what, double s, long bytes, double raw, double np) {
        return new String[]{what, String.format(Locale.ROOT, "%.3f", s),
                String.format(Locale.ROOT, "%.2f", bytes / s / 1e9),
                Double.isNaN(raw) ? "" : String.format(Locale.ROOT, "%.2f", s / raw),
                Double.isNaN(np) ? "" : String.format(Locale.ROOT, "%.2f", s / np)};
    }

    private static double min(int reps, Runnable r) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= reps; i++) { // one warm-up
            long t0 = System.nanoTime();
            r.run();
            double s = (System.nanoTime() - t0) / 1e9;
            if (i > 0) {
                best = Math.min(best, s);
            }
        }
        return best;
    }

    private static ByteBuffer rawBuffer;

    private static void rawRead(Path p) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            if (rawBuffer == null || rawBuffer.capacity() < size) {
                rawBuffer = ByteBuffer.allocateDirect((int) Math.min(size, Integer.MAX_VALUE - 8));
            }
            rawBuffer.clear();
            while (rawBuffer.hasRemaining() && ch.read(rawBuffer) > 0) {
                // fill
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double numpyLoad(Path dir, String file, int reps) {
        // every result is kept, so that each load gets fresh memory as an ND4J read does (ND4J frees native memory
        // only when the GC runs; numpy would otherwise reuse the pages it freed the repetition before)
        String out = python(dir, "import numpy as np, time\nbest = 1e9\nkeep = []\nfor i in range(" + (reps + 1)
                + "):\n"
                + "    t = time.perf_counter(); a = np.load('" + file + "'); a = a['arr_0'] if hasattr(a, 'files') else a;"
                + " a = np.ascontiguousarray(a, dtype='<f8'); s = time.perf_counter() - t; keep.append(a)\n"
                + "    best = min(best, s) if i > 0 else best\nprint(best)");
        try {
            return Double.parseDouble(out.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String python(Path dir, String code) {
        try {
            Process p = new ProcessBuilder("python3", "-c", code).directory(dir.toFile()).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
