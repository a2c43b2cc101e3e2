package org.ntk4j.core.analytic.internal;

/**
 * Pixel geometry of 2-D convolutions and poolings on row-major images (pixel {@code p = y·W + x}).
 *
 * <p>Per axis of input size {@code n}, kernel {@code k}, stride {@code s}, dilation {@code d},
 * {@code k_e = k + (k − 1)(d − 1)}: SAME gives {@code ⌈n/s⌉} outputs and {@code ⌊((out − 1)s + k_e − n)/2⌋} padding
 * before (the rest after); explicit padding gives {@code ⌊(n + 2·pad − k_e)/s⌋ + 1} outputs. Tap {@code t} of output
 * {@code i} reads input {@code i·s − before + t·d}, a zero when outside {@code [0, n)}.
 */
public final class SpatialGeometry {
    private SpatialGeometry() {
    }

    /**
     * @return {@code {outputs, paddingBefore}} of one axis
     * @throws IllegalArgumentException when the input is too small for the window
     */
    public static int[] axis(int n, int k, int s, int d, boolean same, int pad, String where) {
        int effective = k + (k - 1) * (d - 1);
        if (same) {
            int out = (n + s - 1) / s;
            int before = ((out - 1) * s + effective - n) / 2;
            if (before < 0) {
                throw new IllegalArgumentException(where + ": SAME padding is negative for input size " + n
                        + ", kernel " + k + ", stride " + s + ", dilation " + d + " (a stride larger than the kernel "
                        + "skips inputs); use a smaller stride");
            }
            return new int[]{out, before};
        }
        if (n + 2 * pad - effective < 0) {
            throw new IllegalArgumentException(where + ": input size " + n + " is too small for kernel " + k
                    + " (dilation " + d + ", padding " + pad + "); use larger images, more padding or SAME padding");
        }
        return new int[]{(n + 2 * pad - effective) / s + 1, pad};
    }

    /**
     * Taps of every output pixel: {@code src[p·taps + ty·kw + tx]} is the input pixel read, or −1 for padding.
     *
     * @param rows {@code axis(...)} of the height; @param cols of the width
     * @return the table, {@code outH·outW·kh·kw} entries
     */
    public static int[] taps(int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, int[] rows, int[] cols) {
        int oh = rows[0];
        int ow = cols[0];
        int kk = kh * kw;
        int[] src = new int[oh * ow * kk];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int base = (oy * ow + ox) * kk;
                for (int ty = 0; ty < kh; ty++) {
                    int iy = oy * sh - rows[1] + ty * dh;
                    for (int tx = 0; tx < kw; tx++) {
                        int ix = ox * sw - cols[1] + tx * dw;
                        src[base + ty * kw + tx] = iy >= 0 && iy < h && ix >= 0 && ix < w ? iy * w + ix : -1;
                    }
                }
            }
        }
        return src;
    }
}
