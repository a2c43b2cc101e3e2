package org.ntk4j.core.io;

import org.ntk4j.core.kernel.MemoryBudget;

/**
 * How {@link ArrayFiles} reads a file: which array of an {@code .npz}, whether a CSV file has a header row, and the
 * largest array it may allocate.
 *
 * <pre>{@code
 * ReadOptions o = ReadOptions.builder().npzEntry("x_train").csvHeader(CsvHeader.PRESENT)
 *         .memoryBudget(MemoryBudget.ofBytes(8L << 30)).build();
 * }</pre>
 *
 * @param npzEntry     the array to read from an {@code .npz} (its name, with or without {@code .npy}), or {@code null}
 *                     when the archive holds exactly one array
 * @param csvHeader    whether the first data row of a CSV file holds column names
 * @param memoryBudget the largest array (bytes, after conversion to its ND4J type) that may be allocated
 */
public record ReadOptions(String npzEntry, CsvHeader csvHeader, MemoryBudget memoryBudget) {
    /**
     * @param npzEntry     the array to read from an {@code .npz} (its name, with or without {@code .npy}), or {@code null}
     *                     when the archive holds exactly one array
     * @param csvHeader    whether the first data row of a CSV file holds column names
     * @param memoryBudget the largest array (bytes, after conversion to its ND4J type) that may be allocated
     * @throws IllegalArgumentException for a {@code null} header mode or budget, or an empty entry name
     */
    public ReadOptions {
        if (npzEntry != null && npzEntry.isEmpty()) {
            throw new IllegalArgumentException("npzEntry must be null or a name (got: empty)");
        }
        if (csvHeader == null) {
            throw new IllegalArgumentException("csvHeader must not be null (got: null)");
        }
        if (memoryBudget == null) {
            throw new IllegalArgumentException("memoryBudget must not be null (got: null)");
        }
    }

    /** @return the defaults: one-array {@code .npz}, CSV header detected, {@link MemoryBudget#defaultBudget()} */
    public static ReadOptions defaults() {
        return builder().build();
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param entry the {@code .npz} entry to read
     * @return a copy reading that entry
     */
    public ReadOptions withNpzEntry(String entry) {
        return new ReadOptions(entry, csvHeader, memoryBudget);
    }

    /** Builds {@link ReadOptions}. */
    public static final class Builder {
        private String npzEntry;
        private CsvHeader csvHeader = CsvHeader.AUTO;
        private MemoryBudget memoryBudget;

        private Builder() {
        }

        /**
         * @param entry the {@code .npz} array to read, or {@code null} for an archive of one array
         * @return this
         */
        public Builder npzEntry(String entry) {
            this.npzEntry = entry;
            return this;
        }

        /**
         * @param header whether CSV files have a header row (default {@link CsvHeader#AUTO})
         * @return this
         */
        public Builder csvHeader(CsvHeader header) {
            this.csvHeader = header;
            return this;
        }

        /**
         * @param budget the largest array that may be allocated (default {@link MemoryBudget#defaultBudget()})
         * @return this
         */
        public Builder memoryBudget(MemoryBudget budget) {
            if (budget == null) {
                throw new IllegalArgumentException("memoryBudget must not be null (got: null)");
            }
            this.memoryBudget = budget;
            return this;
        }

        /** @return the options */
        public ReadOptions build() {
            return new ReadOptions(npzEntry, csvHeader, memoryBudget == null ? MemoryBudget.defaultBudget() : memoryBudget);
        }
    }
}
