package org.ntk4j.dl4j.listener.internal;

import org.ntk4j.dl4j.listener.NtkSnapshot;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text forms of {@link NtkSnapshot}: one CSV row or one JSON object per snapshot, with one column per record
 * component, in declaration order, named as the component. Doubles are written with {@link Double#toString(double)}
 * (the shortest form that reads back to the same value); in JSON the non-finite values are the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}. Times are ISO-8601 instants.
 */
public final class SnapshotCodec {
    private static final RecordComponent[] COMPONENTS = NtkSnapshot.class.getRecordComponents();
    private static final Constructor<NtkSnapshot> CONSTRUCTOR;

    static {
        Class<?>[] types = new Class<?>[COMPONENTS.length];
        for (int i = 0; i < types.length; i++) {
            types[i] = COMPONENTS[i].getType();
        }
        try {
            CONSTRUCTOR = NtkSnapshot.class.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private SnapshotCodec() {
    }

    /** @return the column names, in order */
    public static List<String> columns() {
        List<String> c = new ArrayList<>();
        for (RecordComponent rc : COMPONENTS) {
            c.add(rc.getName());
        }
        return c;
    }

    /** @return the CSV header line (no line terminator) */
    public static String csvHeader() {
        return String.join(",", columns());
    }

    /** @return one CSV line (no line terminator) */
    public static String toCsv(NtkSnapshot s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < COMPONENTS.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(get(s, i));
        }
        return sb.toString();
    }

    /** @return one JSON object on one line (no line terminator) */
    public static String toJson(NtkSnapshot s) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < COMPONENTS.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(COMPONENTS[i].getName()).append("\":");
            Object v = get(s, i);
            if (v instanceof Double d && !Double.isFinite(d) || v instanceof Instant) {
                sb.append('"').append(v).append('"');
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }

    /**
     * @param header the CSV header line
     * @param line   one CSV data line
     * @param where  for messages, e.g. "snapshots.csv line 3"
     * @return the snapshot
     */
    public static NtkSnapshot fromCsv(String header, String line, String where) {
        String[] names = header.trim().split(",", -1);
        String[] cells = line.trim().split(",", -1);
        if (names.length != cells.length) {
            throw new IllegalArgumentException(where + ": expected " + names.length + " cells as in the header, got "
                    + cells.length);
        }
        Map<String, String> byName = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            byName.put(names[i].trim(), cells[i].trim());
        }
        return build(byName, where);
    }

    /**
     * @param json  one JSON object as written by {@link #toJson(NtkSnapshot)}
     * @param where for messages
     * @return the snapshot
     */
    public static NtkSnapshot fromJson(String json, String where) {
        return build(FlatJson.parse(json, where), where);
    }

    private static NtkSnapshot build(Map<String, String> byName, String where) {
        Object[] args = new Object[COMPONENTS.length];
        for (int i = 0; i < COMPONENTS.length; i++) {
            String name = COMPONENTS[i].getName();
            String v = byName.get(name);
            if (v == null) {
                throw new IllegalArgumentException(where + ": missing field '" + name + "'");
            }
            Class<?> t = COMPONENTS[i].getType();
            try {
                if (t == long.class) {
                    args[i] = Long.parseLong(v);
                } else if (t == int.class) {
                    args[i] = Integer.parseInt(v);
                } else if (t == double.class) {
                    args[i] = Double.parseDouble(v);
                } else if (t == Instant.class) {
                    args[i] = Instant.parse(v);
                } else {
                    throw new IllegalStateException("no text form for " + t);
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new IllegalArgumentException(where + ": field '" + name + "' is not a valid " + t.getSimpleName()
                        + " (got: " + v + ")", e);
            }
        }
        try {
            return CONSTRUCTOR.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            throw new IllegalArgumentException(where + ": " + c.getMessage(), c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object get(NtkSnapshot s, int i) {
        try {
            return COMPONENTS[i].getAccessor().invoke(s);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
