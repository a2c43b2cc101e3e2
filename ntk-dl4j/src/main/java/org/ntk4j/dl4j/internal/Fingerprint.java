package org.ntk4j.dl4j.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.network.internal.Stacking;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 over everything a kernel depends on (settings, parameter values, features), so that a kernel file is
 * resumed only by the computation that started it. Arrays are hashed with their type and shape, in C order, a few
 * thousand rows at a time (no full copy).
 */
public final class Fingerprint {
    private static final long ROWS = 4096;
    private final MessageDigest md;

    /** @param kind what is computed, e.g. {@code "empirical"} (the fingerprint starts with it) */
    public Fingerprint(String kind) {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        text("ntk4j-fingerprint-1:" + kind);
        this.kind = kind;
    }

    private final String kind;

    /** @return this, after hashing {@code s} (with its length) */
    public Fingerprint text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(8).putLong(b.length).array());
        md.update(b);
        return this;
    }

    /** @return this, after hashing the array's type, shape and values (or a marker for null) */
    public Fingerprint array(INDArray a) {
        if (a == null) {
            return text("null");
        }
        text(a.dataType() + Arrays.toString(a.shape()));
        if (a.isEmpty()) {
            return this;
        }
        if (a.rank() == 0) {
            return text(Double.toString(a.getDouble(0)));
        }
        long n = a.size(0);
        for (long from = 0; from < n; from += ROWS) {
            INDArray block = Stacking.rows(a, from, Math.min(n, from + ROWS)).dup('c');
            md.update(block.data().asNio());
        }
        return this;
    }

    /** @return {@code KIND-sha256-HEX} */
    public String value() {
        return kind + "-sha256-" + HexFormat.of().formatHex(md.digest());
    }
}
