package org.ntk4j.examples.cli;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ArrayFormat;
import org.ntk4j.core.io.ReadOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line's arrays: {@link ArrayFiles} (strict {@code .npy}/{@code .npz}/CSV, atomic writes) with messages
 * that start with the flag that named the file.
 */
public final class ArrayIO {
    private ArrayIO() {
    }

    /**
     * @param path a {@code .npy}, {@code .npz} (one array, or {@code FILE.npz:NAME}) or CSV file, or a pipe
     * @return the array
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static INDArray read(Path path) {
        return ArrayFiles.read(path.toString(), ReadOptions.defaults());
    }

    /**
     * @param location a path or {@code FILE.npz:NAME}
     * @param flag     the option that named it, e.g. {@code --x1}
     * @param options  CSV header mode and memory budget
     * @return the array
     * @throws IllegalArgumentException whose message starts with {@code flag}
     */
    public static INDArray read(Path location, String flag, ReadOptions options) {
        try {
            return ArrayFiles.read(location.toString(), options);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " " + e.getMessage(), e);
        }
    }

    /**
     * Checks, before anything is computed, that {@code path} can be written: a known extension and an existing
     * directory.
     *
     * @param path the destination
     * @param flag the option that named it
     * @throws IllegalArgumentException whose message starts with {@code flag}
     */
    public static void checkWritable(Path path, String flag) {
        if (ArrayFormat.ofFileName(path.getFileName().toString()) == null) {
            throw new IllegalArgumentException(flag + " " + path + ": use a .npy, .npz or .csv file name");
        }
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(flag + " " + path + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(flag + " " + path + ": is a directory; give a file name");
        }
    }

    /**
     * Writes {@code a} to a temporary file next to {@code path}, then moves it into place ({@code .npy}, {@code .npz}
     * or {@code .csv}; a 4-D FULL kernel goes to CSV in its flattened {@code [n1·o, n2·o]} layout).
     *
     * @param a    the array
     * @param path the destination
     */
    public static void write(INDArray a, Path path) {
        ArrayFiles.write(a, path);
    }

    /**
     * @param a    the array
     * @param path the destination
     * @param flag the option that named it
     * @throws IllegalArgumentException whose message starts with {@code flag}
     */
    public static void write(INDArray a, Path path, String flag) {
        try {
            ArrayFiles.write(a, path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " " + e.getMessage(), e);
        }
    }
}
