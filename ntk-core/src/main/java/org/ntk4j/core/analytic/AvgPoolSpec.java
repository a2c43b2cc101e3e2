package org.ntk4j.core.analytic;

/**
 * 2-D average pooling of the activations of an infinite-width convolutional stack: output pixel {@code p} is the
 * average of the {@code kernelH × kernelW} taps {@code p·s + o·d − pad} of each channel (no parameters). The geometry
 * is that of {@link ConvLayerSpec} (SAME or explicit padding, stride, dilation). Taps outside the image are zeros:
 * with {@code includePadInDivisor} the divisor is {@code kernelH·kernelW}, otherwise the number of taps inside the image
 * (DL4J's {@code avgPoolIncludePadInDivisor}).
 *
 * @param kernelH             window height ≥ 1
 * @param kernelW             window width ≥ 1
 * @param strideH             vertical stride ≥ 1
 * @param strideW             horizontal stride ≥ 1
 * @param dilationH           vertical dilation ≥ 1
 * @param dilationW           horizontal dilation ≥ 1
 * @param same                SAME padding (else explicit {@code padH, padW}, truncating)
 * @param padH                rows of zeros on each side (explicit padding)
 * @param padW                columns of zeros on each side (explicit padding)
 * @param includePadInDivisor whether padded taps count in the divisor
 */
public record AvgPoolSpec(int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
                          boolean same, int padH, int padW, boolean includePadInDivisor) {

    /**
     * Validates the fields.
     *
     * @param kernelH             window height ≥ 1
     * @param kernelW             window width ≥ 1
     * @param strideH             vertical stride ≥ 1
     * @param strideW             horizontal stride ≥ 1
     * @param dilationH           vertical dilation ≥ 1
     * @param dilationW           horizontal dilation ≥ 1
     * @param same                SAME padding (else explicit {@code padH, padW}, truncating)
     * @param padH                rows of zeros on each side (explicit padding)
     * @param padW                columns of zeros on each side (explicit padding)
     * @param includePadInDivisor whether padded taps count in the divisor
     */
    public AvgPoolSpec {
        ConvLayerSpec.positive("kernelH", kernelH);
        ConvLayerSpec.positive("kernelW", kernelW);
        ConvLayerSpec.positive("strideH", strideH);
        ConvLayerSpec.positive("strideW", strideW);
        ConvLayerSpec.positive("dilationH", dilationH);
        ConvLayerSpec.positive("dilationW", dilationW);
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("padding must be >= 0 (got: " + padH + ", " + padW + ")");
        }
    }

    /**
     * @param kernelH window height
     * @param kernelW window width
     * @return a non-overlapping pooling (stride = window), no padding, divisor {@code kernelH·kernelW}
     */
    public static AvgPoolSpec of(int kernelH, int kernelW) {
        return new AvgPoolSpec(kernelH, kernelW, kernelH, kernelW, 1, 1, false, 0, 0, true);
    }
}
