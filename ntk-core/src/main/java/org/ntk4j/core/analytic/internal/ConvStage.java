package org.ntk4j.core.analytic.internal;

import org.ntk4j.core.analytic.AvgPoolSpec;
import org.ntk4j.core.analytic.ConvLayerSpec;

/**
 * One spatial stage of a convolutional stack, before its readout: a convolution or an average pooling (exactly one of
 * the two is non-null).
 *
 * @param conv a convolution, or null
 * @param pool an average pooling, or null
 */
public record ConvStage(ConvLayerSpec conv, AvgPoolSpec pool) {
    /** Checks that exactly one is set. */
    public ConvStage {
        if ((conv == null) == (pool == null)) {
            throw new IllegalArgumentException("a stage is a convolution or a pooling (got: " + conv + ", " + pool + ")");
        }
    }
}
