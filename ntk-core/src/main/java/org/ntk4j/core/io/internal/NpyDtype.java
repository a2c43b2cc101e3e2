package org.ntk4j.core.io.internal;

import org.nd4j.linalg.api.buffer.DataType;

import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The numpy element types this reader decodes, and the ND4J type each becomes: floating types and signed integers
 * keep their type; unsigned integers widen to the next signed ND4J type that holds every value (uint64 to int64, with
 * values above 2^63 − 1 refused).
 */
public enum NpyDtype {
    /** float64. */
    F8('f', 8, DataType.DOUBLE),
    /** float32. */
    F4('f', 4, DataType.FLOAT),
    /** float16. */
    F2('f', 2, DataType.HALF),
    /** int8. */
    I1('i', 1, DataType.BYTE),
    /** int16. */
    I2('i', 2, DataType.SHORT),
    /** int32. */
    I4('i', 4, DataType.INT),
    /** int64. */
    I8('i', 8, DataType.LONG),
    /** uint8, read as int16. */
    U1('u', 1, DataType.SHORT),
    /** uint16, read as int32. */
    U2('u', 2, DataType.INT),
    /** uint32, read as int64. */
    U4('u', 4, DataType.LONG),
    /** uint64, read as int64 (values above 2^63 − 1 refused). */
    U8('u', 8, DataType.LONG);

    private final char kind;
    private final int size;
    private final DataType target;

    NpyDtype(char kind, int size, DataType target) {
        this.kind = kind;
        this.size = size;
        this.target = target;
    }

    /** @return bytes per element */
    public int size() {
        return size;
    }

    /** @return the ND4J type the elements are read into */
    public DataType target() {
        return target;
    }

    /** @return numpy's name, e.g. {@code float64} */
    public String numpyName() {
        return (kind == 'f' ? "float" : kind == 'i' ? "int" : "uint") + 8 * size;
    }

    /**
     * A parsed numpy type string.
     *
     * @param dtype the element type
     * @param order the byte order of the data
     */
    public record Parsed(NpyDtype dtype, ByteOrder order) {
    }

    /**
     * @param descr a numpy {@code descr} such as {@code "<f8"}, {@code ">i4"}, {@code "|u1"}
     * @return the type and byte order
     * @throws IllegalArgumentException (message without the file name) for types that are not plain numbers
     */
    public static Parsed parse(String descr) {
        if (descr.length() < 2) {
            throw new IllegalArgumentException("descr '" + descr + "' is not a numpy type string like '<f8'");
        }
        char bo = descr.charAt(0);
        char kind = descr.charAt(1);
        String rest = descr.substring(2);
        String name = describe(kind, rest);
        if (kind == 'b') {
            throw new IllegalArgumentException("holds a bool array: features and targets must be numbers; save "
                    + "x.astype(np.float64) instead");
        }
        if (kind == 'c') {
            throw new IllegalArgumentException("holds a complex array (" + name + "): the NTK needs real numbers; save "
                    + "the real part, or real and imaginary parts as separate columns");
        }
        if (kind != 'f' && kind != 'i' && kind != 'u') {
            throw new IllegalArgumentException("holds " + name + " ('" + descr + "'): only numeric arrays (float, int, "
                    + "uint) can be read");
        }
        int size;
        try {
            size = Integer.parseInt(rest);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("descr '" + descr + "' is not a numpy type string like '<f8'");
        }
        for (NpyDtype t : values()) {
            if (t.kind == kind && t.size == size) {
                ByteOrder order;
                if (bo == '<' || (bo == '|' && size == 1)) {
                    order = ByteOrder.LITTLE_ENDIAN;
                } else if (bo == '>') {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (bo == '=') {
                    order = ByteOrder.nativeOrder();
                } else {
                    throw new IllegalArgumentException("descr '" + descr + "' has byte order '" + bo
                            + "'; numpy writes '<', '>' or ('|' for one-byte types)");
                }
                return new Parsed(t, order);
            }
        }
        throw new IllegalArgumentException("holds " + name + " ('" + descr + "'), which has no exact ND4J type; save "
                + "x.astype(np.float64) instead");
    }

    private static String describe(char kind, String rest) {
        String bits;
        try {
            bits = String.valueOf(8 * Integer.parseInt(rest));
        } catch (NumberFormatException e) {
            bits = rest;
        }
        return switch (kind) {
            case 'b' -> "bool";
            case 'c' -> "complex" + bits;
            case 'f' -> "float" + bits;
            case 'i' -> "int" + bits;
            case 'u' -> "uint" + bits;
            case 'U' -> "unicode strings";
            case 'S', 'a' -> "byte strings";
            case 'V' -> "raw or structured records";
            case 'O' -> "Python objects (pickled)";
            case 'M' -> "datetimes";
            case 'm' -> "timedeltas";
            default -> "an unknown type '" + kind + "'";
        };
    }

    /**
     * @param type an ND4J type
     * @return the numpy {@code descr} it is written as (little-endian)
     * @throws IllegalArgumentException for types {@code .npy} files of this library do not hold
     */
    public static String descrOf(DataType type) {
        return switch (type) {
            case DOUBLE -> "<f8";
            case FLOAT -> "<f4";
            case HALF -> "<f2";
            case LONG -> "<i8";
            case INT -> "<i4";
            case SHORT -> "<i2";
            case BYTE -> "|i1";
            case UBYTE -> "|u1";
            default -> throw new IllegalArgumentException("cannot write " + type.name().toLowerCase(Locale.ROOT)
                    + " arrays as .npy: cast to DOUBLE or FLOAT first");
        };
    }
}
