package org.ntk4j.examples.cli;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.CsvHeader;
import org.ntk4j.core.io.ReadOptions;
import org.ntk4j.core.kernel.MemoryBudget;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Options shared by the commands that read arrays: {@code --header} and {@code --memory-budget}. */
public final class InputOptions {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");

    @Option(names = "--header", description = "CSV inputs start with a header row (default: a first row of names only "
            + "is taken as a header)")
    boolean header;

    @Option(names = "--memory-budget", paramLabel = "SIZE", description = "largest memory a kernel or an input array may "
            + "take, e.g. 8g, 512m, 1073741824 (default: half of the JVM's off-heap limit)")
    String memoryBudget;

    /** @return the budget, from {@code --memory-budget} or the default */
    public MemoryBudget budget() {
        return memoryBudget == null ? MemoryBudget.defaultBudget() : MemoryBudget.ofBytes(parseSize(memoryBudget));
    }

    /** @return the read options these flags give */
    public ReadOptions readOptions() {
        return ReadOptions.builder().csvHeader(header ? CsvHeader.PRESENT : CsvHeader.AUTO).memoryBudget(budget()).build();
    }

    /**
     * @param location the path (or {@code FILE.npz:NAME})
     * @param flag     the flag that named it
     * @return the array
     */
    public INDArray read(Path location, String flag) {
        return ArrayIO.read(location, flag, readOptions());
    }

    /**
     * @param text e.g. {@code 8g}, {@code 512M}, {@code 1.5GiB}, {@code 1073741824} (k, m, g, t are powers of 1024)
     * @return bytes
     * @throws IllegalArgumentException naming {@code --memory-budget}
     */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("--memory-budget must be a size such as 8g, 512m or 1073741824 (got: "
                    + text + ")");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(2, shift);
        if (!(bytes >= 1) || bytes > Long.MAX_VALUE / 2.0) {
            throw new IllegalArgumentException("--memory-budget must be at least 1 byte and below 4 EiB (got: " + text
                    + ")");
        }
        return (long) bytes;
    }
}
