package org.ntk4j.core.io;

import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The golden files written by {@code make_golden.py} (numpy) and their {@code MANIFEST.txt}: for each file the shape and
 * every value in C order, or the text its refusal must contain. Shared with the CLI tests (test-jar).
 */
public final class GoldenFiles {
    private GoldenFiles() {
    }

    /**
     * One manifest line.
     *
     * @param location file name, optionally {@code :entry} for an {@code .npz}
     * @param ok       whether the file must be read
     * @param shape    the shape (ok files)
     * @param type     the ND4J type it must be read as (ok files)
     * @param values   every value in C order, as numpy's repr (ok files)
     * @param error    text the refusal must contain (broken files)
     */
    public record Case(String location, boolean ok, long[] shape, DataType type, String[] values, String error) {
        /** @return the file name without an {@code .npz} entry */
        public String fileName() {
            int c = location.indexOf(':');
            return c < 0 ? location : location.substring(0, c);
        }

        /** @return the values as doubles ({@code inf}, {@code nan} included) */
        public double[] doubles() {
            return Arrays.stream(values).mapToDouble(GoldenFiles::parse).toArray();
        }

    }

    private static Path dir;

    /** @return the directory holding the golden files (copied out of the test-jar when read from one) */
    public static synchronized Path dir() {
        if (dir != null) {
            return dir;
        }
        try {
            URI uri = GoldenFiles.class.getResource("golden/MANIFEST.txt").toURI();
            if (!uri.getScheme().equals("jar")) {
                return dir = Path.of(uri).getParent();
            }
            Path tmp = Files.createTempDirectory("ntk4j-golden");
            tmp.toFile().deleteOnExit();
            try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of());
                 Stream<Path> files = Files.list(fs.provider().getPath(uri).getParent())) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path target = tmp.resolve(f.getFileName().toString());
                    Files.copy(f, target);
                    target.toFile().deleteOnExit();
                }
            }
            return dir = tmp;
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return every manifest line */
    public static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir().resolve("MANIFEST.txt"), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] p = line.split("\\|", -1);
                if (p[1].equals("ok")) {
                    long[] shape = p[2].isEmpty() ? new long[0]
                            : Arrays.stream(p[2].split(",")).mapToLong(Long::parseLong).toArray();
                    out.add(new Case(p[0], true, shape, DataType.valueOf(p[3]), p[4].isEmpty() ? new String[0]
                            : p[4].split(","), null));
                } else {
                    out.add(new Case(p[0], false, null, null, null, p[2]));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static double parse(String v) {
        return switch (v) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }
}
