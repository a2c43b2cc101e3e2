package org.ntk4j.core.io.internal;

/** IEEE 754 binary16 conversions (Java 17 has none built in). */
public final class Half {
    private Half() {
    }

    /**
     * @param bits a binary16 value
     * @return the same value as a float (exact: every binary16 value is a float)
     */
    public static float toFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // zero or subnormal: mant · 2^-24, exact in float
            return sign == 0 ? v : -v;
        }
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13)); // infinity or NaN (payload kept)
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /**
     * @param f a float
     * @return the nearest binary16 value (ties to even), infinity beyond its range
     */
    public static short fromFloat(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int exp = (x >>> 23) & 0xFF;
        int mant = x & 0x7FFFFF;
        if (exp == 0xFF) {
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++; // may carry into the exponent, which is the correct rounding (up to infinity)
        }
        return (short) (sign | half);
    }
}
