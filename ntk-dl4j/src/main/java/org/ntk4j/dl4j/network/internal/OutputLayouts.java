package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;

import java.util.Map;
import java.util.function.Function;

/**
 * How an output array's entries are numbered in the kernel, for reports: always the C (row-major) order of one
 * example's slice {@code output(x)[i]}; this names the axes for the per-position output layers.
 */
final class OutputLayouts {
    private static final Map<Class<?>, Function<Layer, String>> LAYOUTS = Map.of(
            RnnOutputLayer.class, l -> rnn(((RnnOutputLayer) l).getRnnDataFormat()),
            RnnLossLayer.class, l -> rnn(((RnnLossLayer) l).getRnnDataFormat()),
            CnnLossLayer.class, l -> ((CnnLossLayer) l).getFormat() == CNN2DFormat.NHWC
                    ? "[n, h, w, c] (NHWC): entry (y·w + x)·c + k" : "[n, c, h, w] (NCHW): entry (k·h + y)·w + x",
            Cnn3DLossLayer.class, l -> ((Cnn3DLossLayer) l).getDataFormat() == Convolution3D.DataFormat.NDHWC
                    ? "[n, d, h, w, c] (NDHWC): C order, channel fastest" : "[n, c, d, h, w] (NCDHW): C order, width fastest");

    private OutputLayouts() {
    }

    private static String rnn(RNNFormat f) {
        return f == RNNFormat.NWC ? "[n, T, o] (NWC): entry t·o + k" : "[n, o, T] (NCW): entry k·T + t";
    }

    /**
     * @return the time axis of a sequence output layer's output (2 for NCW, 1 for NWC), 0 when the layer's output is
     * not a sequence of its own or unknown (then the axis is inferred from the shapes)
     */
    static int timeAxis(Layer conf) {
        RNNFormat f = conf instanceof RnnOutputLayer r ? r.getRnnDataFormat()
                : conf instanceof RnnLossLayer l ? l.getRnnDataFormat() : null;
        return conf instanceof RnnOutputLayer || conf instanceof RnnLossLayer ? (f == RNNFormat.NWC ? 1 : 2) : 0;
    }

    /** @return the layout of the output of a layer configuration (the generic C-order sentence when not per-position) */
    static String of(Layer conf) {
        Function<Layer, String> f = conf == null ? null : LAYOUTS.get(conf.getClass());
        return f == null ? "[n, ...]: entries in C order of output(x)[i]" : f.apply(conf);
    }
}
