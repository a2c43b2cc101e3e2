package org.ntk4j.core.io;

/**
 * A file (or stream) that does not hold an array this reader can read exactly: a truncated or oversized {@code .npy},
 * a header numpy would not write, an unsupported data type, a malformed CSV line. The message is one line that starts
 * with the file's name, says what is wrong and, where there is one, how to fix it.
 *
 * <p>Nothing is computed from such a file: it is refused before any array is returned.
 */
public final class ArrayFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The file or stream name. */
    private final String source;

    /**
     * @param source  the file or stream name
     * @param problem what is wrong (and how to fix it), without the name
     */
    public ArrayFormatException(String source, String problem) {
        super(oneLine(source + ": " + problem));
        this.source = source;
    }

    /**
     * @param source  the file or stream name
     * @param problem what is wrong, without the name
     * @param cause   the underlying I/O error
     */
    public ArrayFormatException(String source, String problem, Throwable cause) {
        super(oneLine(source + ": " + problem), cause);
        this.source = source;
    }

    /** Control characters (from a broken file's bytes) become '?': the message stays one printable line. */
    private static String oneLine(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    /** @return the name of the file or stream that was refused */
    public String source() {
        return source;
    }
}
