package org.ntk4j.core.analytic.internal;

/** Argument checks shared by the convolutional kernel's public builders: one {@link IllegalArgumentException} each. */
public final class ConvArgs {
    private ConvArgs() {
    }

    /**
     * @param value   the argument
     * @param name    its name, as the builder method calls it
     * @param example a valid value to suggest
     * @param <T>     its type
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value} is null
     */
    public static <T> T present(T value, String name, String example) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null (got: null); pass e.g. " + example);
        }
        return value;
    }
}
