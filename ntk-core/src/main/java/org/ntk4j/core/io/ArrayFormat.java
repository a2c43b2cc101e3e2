package org.ntk4j.core.io;

import java.util.Locale;

/** The file formats {@link ArrayFiles} reads and writes. */
public enum ArrayFormat {
    /** NumPy {@code .npy}, versions 1.0, 2.0 and 3.0. */
    NPY,
    /** NumPy {@code .npz}: a zip of {@code .npy} files, stored or deflated. */
    NPZ,
    /** Comma- (or whitespace-) separated numbers, one row per line, optional header row, {@code #} comments. */
    CSV;

    /**
     * @param fileName a file name
     * @return the format its extension names ({@code .npy}, {@code .npz}, {@code .csv}/{@code .txt}/{@code .tsv}),
     *         or {@code null} when the extension names none (the content then decides)
     */
    public static ArrayFormat ofFileName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".npy")) {
            return NPY;
        }
        if (n.endsWith(".npz")) {
            return NPZ;
        }
        if (n.endsWith(".csv") || n.endsWith(".txt") || n.endsWith(".tsv")) {
            return CSV;
        }
        return null;
    }
}
