package org.ntk4j.dl4j.listener;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ArrayFormatException;
import org.ntk4j.dl4j.listener.internal.SnapshotCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Ready-made {@link NtkSink}s, and readers for the files they write.
 *
 * <pre>{@code
 * NtkListener l = NtkListener.builder(probe)
 *         .sink(NtkSinks.csv(Path.of("out/ntk.csv")))
 *         .sink(NtkSinks.jsonLines(Path.of("out/ntk.jsonl")))
 *         .sink(NtkSinks.log())
 *         .sink(NtkSinks.npy(Path.of("out/kernels"), 10))   // every 10th kernel as .npy
 *         .build();
 * List<NtkSnapshot> back = NtkSinks.readCsv(Path.of("out/ntk.csv"));
 * }</pre>
 *
 * <p>File sinks create missing parent directories and replace an existing file when the first snapshot arrives; every
 * line is flushed as soon as it is written, so the file is complete up to the last snapshot even if training stops.
 * Columns (CSV) and keys (JSON) are the component names of {@link NtkSnapshot}, in its order; numbers are written so
 * that they read back to the same {@code double}; JSON writes non-finite numbers as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}; times are ISO-8601 instants.
 */
public final class NtkSinks {
    private static final Logger LOG = LoggerFactory.getLogger(NtkSinks.class);

    private NtkSinks() {
    }

    /**
     * @param file the CSV file (header line, then one line per snapshot)
     * @return a sink writing it
     */
    public static NtkSink csv(Path file) {
        requirePath(file, "csv file");
        return new LineSink(file, SnapshotCodec.csvHeader(), SnapshotCodec::toCsv);
    }

    /**
     * @param file the JSON-lines file (one JSON object per line, per snapshot)
     * @return a sink writing it
     */
    public static NtkSink jsonLines(Path file) {
        requirePath(file, "jsonLines file");
        return new LineSink(file, null, SnapshotCodec::toJson);
    }

    /** @return a sink writing one INFO line per snapshot to the logger {@code org.ntk4j.dl4j.listener.NtkSinks} */
    public static NtkSink log() {
        return log(LOG);
    }

    /**
     * @param logger where to write (level INFO)
     * @return a sink writing one line per snapshot
     */
    public static NtkSink log(Logger logger) {
        if (logger == null) {
            throw new IllegalArgumentException("logger must not be null (got: null)");
        }
        return (s, k) -> {
            if (logger.isInfoEnabled()) {
                logger.info(format(s));
            }
        };
    }

    /**
     * Writes the kernel of every {@code k}-th snapshot (the first, then every k-th after it) as a NumPy file
     * {@code ntk-iteration-<iteration>.npy} in {@code directory}: {@code [n, n]} (TRACE) or {@code [n, n, o, o]}
     * (FULL), in the network's data type, by {@link ArrayFiles#write}: {@code .npy} version 1.0 that numpy reads,
     * written to a temporary name and then moved into place.
     *
     * @param directory the directory (created if missing)
     * @param k         write every k-th snapshot, &gt;= 1
     * @return the sink
     */
    public static NtkSink npy(Path directory, int k) {
        requirePath(directory, "npy directory");
        if (k < 1) {
            throw new IllegalArgumentException("npy: k (write every k-th kernel) must be >= 1 (got: " + k + ")");
        }
        return new NtkSink() {
            private long count;

            @Override
            public void accept(NtkSnapshot snapshot, INDArray kernel) throws IOException {
                if (count++ % k != 0) {
                    return;
                }
                Files.createDirectories(directory);
                Path target = directory.resolve(String.format(Locale.ROOT, "ntk-iteration-%08d.npy", snapshot.iteration()));
                try {
                    ArrayFiles.write(kernel, target);
                } catch (ArrayFormatException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw new IOException(e.getMessage(), io);
                    }
                    throw e;
                }
            }
        };
    }

    /**
     * @param file a CSV file written by {@link #csv(Path)}
     * @return its snapshots, in order
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException naming the line when a line is malformed
     */
    public static List<NtkSnapshot> readCsv(Path file) {
        List<String> lines = readLines(file);
        List<NtkSnapshot> out = new ArrayList<>();
        if (lines.isEmpty()) {
            return out;
        }
        String header = lines.get(0);
        for (int i = 1; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(SnapshotCodec.fromCsv(header, lines.get(i), file + " line " + (i + 1)));
            }
        }
        return out;
    }

    /**
     * @param file a JSON-lines file written by {@link #jsonLines(Path)}
     * @return its snapshots, in order
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException naming the line when a line is malformed
     */
    public static List<NtkSnapshot> readJsonLines(Path file) {
        List<String> lines = readLines(file);
        List<NtkSnapshot> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(SnapshotCodec.fromJson(lines.get(i), file + " line " + (i + 1)));
            }
        }
        return out;
    }

    /**
     * @param s a snapshot
     * @return the one-line human-readable form used by {@link #log()}
     */
    public static String format(NtkSnapshot s) {
        return String.format(Locale.ROOT, "NTK iteration %d epoch %d: drift %.4g, change %.4g, trace %.4g, λmax %.4g,"
                        + " λmin %.4g, cond %.4g, eff. rank %.4g, alignment %.4g, Δθ %.4g, max stable lr %.4g (%.3f s)",
                s.iteration(), s.epoch(), s.drift(), s.changeSincePrevious(), s.trace(), s.lambdaMax(), s.lambdaMin(),
                s.conditionNumber(), s.effectiveRank(), s.alignment(), s.parameterChange(), s.maxStableLearningRate(),
                s.seconds());
    }

    private static List<String> readLines(Path file) {
        requirePath(file, "file");
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void requirePath(Path p, String what) {
        if (p == null) {
            throw new IllegalArgumentException(what + " must not be null (got: null)");
        }
    }

    /** A text file with an optional header and one line per snapshot, opened at the first snapshot. */
    private static final class LineSink implements NtkSink {
        private final Path file;
        private final String header;
        private final java.util.function.Function<NtkSnapshot, String> line;
        private BufferedWriter out;
        private boolean started;

        LineSink(Path file, String header, java.util.function.Function<NtkSnapshot, String> line) {
            this.file = file;
            this.header = header;
            this.line = line;
        }

        @Override
        public synchronized void accept(NtkSnapshot snapshot, INDArray kernel) throws IOException {
            if (out == null) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                if (started) {
                    // reopened after close(): continue the same file
                    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } else {
                    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                    started = true;
                    if (header != null) {
                        out.write(header);
                        out.newLine();
                    }
                }
            }
            out.write(line.apply(snapshot));
            out.newLine();
            out.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            if (out != null) {
                out.close();
                out = null;
            }
        }
    }
}
