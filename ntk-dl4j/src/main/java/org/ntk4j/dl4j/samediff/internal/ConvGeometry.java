package org.ntk4j.dl4j.samediff.internal;

/**
 * The geometry of an NCHW {@code conv2d} with explicit padding (also for SAME mode), as the per-example gradients of
 * {@link StructuredTerm.Conv2d} need it.
 *
 * @param kH        kernel height
 * @param kW        kernel width
 * @param sH        stride along the height
 * @param sW        stride along the width
 * @param padTop    zero rows above
 * @param padBottom zero rows below
 * @param padLeft   zero columns to the left
 * @param padRight  zero columns to the right
 * @param dH        dilation along the height
 * @param dW        dilation along the width
 */
public record ConvGeometry(long kH, long kW, long sH, long sW, long padTop, long padBottom, long padLeft,
                           long padRight, long dH, long dW) {
    /** @return whether any side is padded */
    public boolean padded() {
        return padTop != 0 || padBottom != 0 || padLeft != 0 || padRight != 0;
    }
}
