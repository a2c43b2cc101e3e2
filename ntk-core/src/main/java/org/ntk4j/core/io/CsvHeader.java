package org.ntk4j.core.io;

/** Whether the first data row of a CSV file is a header row of column names. */
public enum CsvHeader {
    /** A header when every field of the first data row is a non-number (a name); data otherwise. */
    AUTO,
    /** The first data row is a header, whatever it holds (for numeric column names such as {@code 0,1,2}). */
    PRESENT,
    /** No header: the first data row must be numbers. */
    ABSENT
}
