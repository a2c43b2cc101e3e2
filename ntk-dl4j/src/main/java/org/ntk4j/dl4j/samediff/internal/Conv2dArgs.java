package org.ntk4j.dl4j.samediff.internal;

/**
 * The arguments of an NCHW {@code conv2d} op as libnd4j reads them from its integer arguments
 * {@code [kH, kW, sH, sW, pH, pW, dH, dW, sameMode, dataFormat]}.
 *
 * @param kH   kernel height
 * @param kW   kernel width
 * @param sH   stride along the height
 * @param sW   stride along the width
 * @param pH   padding along the height in VALID mode (each side)
 * @param pW   padding along the width in VALID mode (each side)
 * @param dH   dilation along the height
 * @param dW   dilation along the width
 * @param same whether SAME padding is used
 */
record Conv2dArgs(long kH, long kW, long sH, long sW, long pH, long pW, long dH, long dW, boolean same) {

    /**
     * @param iArgs the op's integer arguments
     * @return the arguments, or null when they are not those of an NCHW conv2d in VALID or SAME mode
     */
    static Conv2dArgs of(long[] iArgs) {
        if (iArgs == null || iArgs.length < 10 || iArgs[9] != 0 || (iArgs[8] != 0 && iArgs[8] != 1)) {
            return null;
        }
        return new Conv2dArgs(iArgs[0], iArgs[1], iArgs[2], iArgs[3], iArgs[4], iArgs[5], iArgs[6], iArgs[7],
                iArgs[8] == 1);
    }

    /**
     * Explicit padding of the op for the given input and output shapes: the given {@code pH, pW} in VALID mode, and
     * in SAME mode libnd4j's {@code total = (o − 1)·s + (k − 1)·d + 1 − i}, {@code top = ⌊total / 2⌋}, the rest at
     * the bottom (same for the width).
     *
     * @param in  the input's shape {@code [N, iC, iH, iW]}
     * @param out the output's shape {@code [N, oC, oH, oW]}
     * @return the geometry with explicit padding
     */
    ConvGeometry explicit(long[] in, long[] out) {
        if (!same) {
            return new ConvGeometry(kH, kW, sH, sW, pH, pH, pW, pW, dH, dW);
        }
        long th = Math.max(0, (out[2] - 1) * sH + (kH - 1) * dH + 1 - in[2]);
        long tw = Math.max(0, (out[3] - 1) * sW + (kW - 1) * dW + 1 - in[3]);
        return new ConvGeometry(kH, kW, sH, sW, th / 2, th - th / 2, tw / 2, tw - tw / 2, dH, dW);
    }
}
