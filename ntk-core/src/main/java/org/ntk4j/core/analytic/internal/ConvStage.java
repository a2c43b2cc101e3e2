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

    /**
     * @param stages the stages
     * @return {@code ", conv 64@3x3:relu, avgpool 2x2, ..."} for a kernel's {@code toString}
     */
    public static String describe(java.util.List<ConvStage> stages) {
        StringBuilder sb = new StringBuilder();
        for (ConvStage s : stages) {
            if (s.conv() != null) {
                ConvLayerSpec c = s.conv();
                sb.append(", conv ").append(c.channels()).append('@').append(c.kernelH()).append('x').append(c.kernelW())
                        .append(':').append(c.activation().name());
            } else {
                sb.append(", avgpool ").append(s.pool().kernelH()).append('x').append(s.pool().kernelW());
            }
        }
        return sb.toString();
    }
}
