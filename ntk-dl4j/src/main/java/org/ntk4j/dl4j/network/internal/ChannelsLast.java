package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Moves the channel (feature) axis of a per-position array last and back: {@code [n, C, s...]} (channels first) or
 * {@code [n, s..., C]} (channels last) ⇄ rows {@code [n·Πs, C]} ordered example-major, then positions in C order.
 * Sequence (NCW/NWC), image (NCHW/NHWC) and volume (NCDHW/NDHWC) layers apply their activation and weights per row.
 */
final class ChannelsLast {
    private ChannelsLast() {
    }

    /**
     * @param x           {@code [n, ...]}
     * @param channelAxis 1 (channels first) or {@code rank − 1} (channels last)
     * @return {@code [n·Πs, C]} in c order (a copy)
     */
    static INDArray rows(INDArray x, int channelAxis) {
        int r = x.rank();
        INDArray p = channelAxis == r - 1 ? x : x.permute(toLast(r, channelAxis));
        long c = x.size(channelAxis);
        return p.dup('c').reshape('c', x.length() / c, c);
    }

    /**
     * @param rows        {@code [n·Πs, C']}
     * @param like        an array of the target layout {@code [n', ...]} whose positions match (channels may differ)
     * @param channelAxis the channel axis of the target layout
     * @param n           examples (rows of the target)
     * @return the rows back in the target layout, {@code [n, C', s...]} or {@code [n, s..., C']}, c order
     */
    static INDArray unrows(INDArray rows, INDArray like, int channelAxis, long n) {
        int r = like.rank();
        long c = rows.size(1);
        long[] lastShape = new long[r];
        lastShape[0] = n;
        int j = 1;
        for (int d = 1; d < r; d++) {
            if (d != channelAxis) {
                lastShape[j++] = like.size(d);
            }
        }
        lastShape[r - 1] = c;
        INDArray last = rows.reshape('c', lastShape);
        return channelAxis == r - 1 ? last : last.permute(fromLast(r, channelAxis)).dup('c');
    }

    private static int[] toLast(int rank, int axis) {
        int[] p = new int[rank];
        int j = 0;
        for (int d = 0; d < rank; d++) {
            if (d != axis) {
                p[j++] = d;
            }
        }
        p[rank - 1] = axis;
        return p;
    }

    private static int[] fromLast(int rank, int axis) {
        int[] to = toLast(rank, axis);
        int[] inv = new int[rank];
        for (int d = 0; d < rank; d++) {
            inv[to[d]] = d;
        }
        return inv;
    }
}
