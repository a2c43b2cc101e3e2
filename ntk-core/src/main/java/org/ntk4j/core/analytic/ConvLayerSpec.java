package org.ntk4j.core.analytic;

/**
 * One 2-D convolution of an infinite-width convolutional stack: {@code z[c, p] = Σ_{c', o} W[c, c', o] h[c', p·s + o·d − pad] + b[c]}
 * over the {@code kernelH × kernelW} offsets {@code o}, with zeros outside the image, then {@code h' = φ(z)}.
 *
 * <p>Weights are independent with mean 0 and variance {@code weightVariance / fanIn}, {@code fanIn = C_in·kernelH·kernelW}
 * (DL4J's fan-in of a convolution), whatever the padding: a border pixel sees fewer real inputs but the same weight
 * variance, exactly as a zero-padded DL4J convolution computes. The bias of output channel {@code c} is shared by all
 * pixels: mean {@code biasMean}, variance {@code biasVariance} (0 in DL4J).
 *
 * <p>Geometry, per spatial dimension of input size {@code n}, kernel {@code k}, stride {@code s}, dilation {@code d},
 * effective kernel {@code k_e = k + (k − 1)(d − 1)}: with {@code same = false} (DL4J {@code ConvolutionMode.Truncate})
 * the output size is {@code ⌊(n + 2·pad − k_e)/s⌋ + 1} and the first tap of output 0 is at {@code −pad}; with
 * {@code same = true} (DL4J {@code ConvolutionMode.Same}, TensorFlow's SAME) it is {@code ⌈n/s⌉}, the padding before is
 * {@code ⌊((out − 1)s + k_e − n)/2⌋} and the rest goes after; {@code pad} is ignored.
 *
 * @param channels       output channels {@code C_out ≥ 1} (enters the next layer's NTK in the standard parameterization)
 * @param kernelH        kernel height ≥ 1
 * @param kernelW        kernel width ≥ 1
 * @param strideH        vertical stride ≥ 1
 * @param strideW        horizontal stride ≥ 1
 * @param dilationH      vertical dilation ≥ 1
 * @param dilationW      horizontal dilation ≥ 1
 * @param same           SAME padding (else explicit padding {@code padH, padW} on both sides, truncating)
 * @param padH           rows of zeros above and below (explicit padding), ≥ 0
 * @param padW           columns of zeros left and right (explicit padding), ≥ 0
 * @param weightVariance {@code σ_w² ≥ 0}: per-entry weight variance times {@code fanIn}
 * @param biasMean       {@code β}, the constant part of the bias
 * @param biasVariance   {@code σ_b² ≥ 0}
 * @param bias           whether the layer has a trainable bias
 * @param activation     {@code φ}, applied to every pixel of {@code z}
 */
public record ConvLayerSpec(int channels, int kernelH, int kernelW, int strideH, int strideW, int dilationH,
                            int dilationW, boolean same, int padH, int padW, double weightVariance, double biasMean,
                            double biasVariance, boolean bias, Nonlinearity activation) {

    /**
     * Validates the fields.
     *
     * @param channels       output channels {@code C_out ≥ 1} (enters the next layer's NTK in the standard parameterization)
     * @param kernelH        kernel height ≥ 1
     * @param kernelW        kernel width ≥ 1
     * @param strideH        vertical stride ≥ 1
     * @param strideW        horizontal stride ≥ 1
     * @param dilationH      vertical dilation ≥ 1
     * @param dilationW      horizontal dilation ≥ 1
     * @param same           SAME padding (else explicit padding {@code padH, padW} on both sides, truncating)
     * @param padH           rows of zeros above and below (explicit padding), ≥ 0
     * @param padW           columns of zeros left and right (explicit padding), ≥ 0
     * @param weightVariance {@code σ_w² ≥ 0}: per-entry weight variance times {@code fanIn}
     * @param biasMean       {@code β}, the constant part of the bias
     * @param biasVariance   {@code σ_b² ≥ 0}
     * @param bias           whether the layer has a trainable bias
     * @param activation     {@code φ}, applied to every pixel of {@code z}
     */
    public ConvLayerSpec {
        positive("channels", channels);
        positive("kernelH", kernelH);
        positive("kernelW", kernelW);
        positive("strideH", strideH);
        positive("strideW", strideW);
        positive("dilationH", dilationH);
        positive("dilationW", dilationW);
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("padding must be >= 0 (got: " + padH + ", " + padW + ")");
        }
        if (!(weightVariance >= 0) || Double.isInfinite(weightVariance)) {
            throw new IllegalArgumentException("weightVariance must be finite and >= 0 (got: " + weightVariance + ")");
        }
        if (!Double.isFinite(biasMean)) {
            throw new IllegalArgumentException("biasMean must be finite (got: " + biasMean + ")");
        }
        if (!(biasVariance >= 0) || Double.isInfinite(biasVariance)) {
            throw new IllegalArgumentException("biasVariance must be finite and >= 0 (got: " + biasVariance + ")");
        }
        if (!bias && (biasMean != 0 || biasVariance != 0)) {
            throw new IllegalArgumentException("a layer without bias must have biasMean = biasVariance = 0 (got: "
                    + biasMean + ", " + biasVariance + ")");
        }
        org.ntk4j.core.analytic.internal.ConvArgs.present(activation, "activation", "Nonlinearities.relu()");
    }

    static void positive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be >= 1 (got: " + v + ")");
        }
    }

    /**
     * @param channels output channels
     * @param kernelH  kernel height
     * @param kernelW  kernel width
     * @return a builder: stride 1, dilation 1, explicit padding 0 (truncate), σ_w² = 1, bias present with mean 0 and
     *         variance 0, identity activation
     */
    public static Builder builder(int channels, int kernelH, int kernelW) {
        return new Builder(channels, kernelH, kernelW);
    }

    /** Builder of {@link ConvLayerSpec}; validated by {@link #build()}. */
    public static final class Builder {
        private final int channels;
        private final int kernelH;
        private final int kernelW;
        private int strideH = 1;
        private int strideW = 1;
        private int dilationH = 1;
        private int dilationW = 1;
        private boolean same;
        private int padH;
        private int padW;
        private double weightVariance = 1.0;
        private double biasMean;
        private double biasVariance;
        private boolean bias = true;
        private Nonlinearity activation = Nonlinearities.identity();

        private Builder(int channels, int kernelH, int kernelW) {
            this.channels = channels;
            this.kernelH = kernelH;
            this.kernelW = kernelW;
        }

        /**
         * @param h vertical stride
         * @param w horizontal stride
         * @return this
         */
        public Builder stride(int h, int w) {
            this.strideH = h;
            this.strideW = w;
            return this;
        }

        /**
         * @param h vertical dilation
         * @param w horizontal dilation
         * @return this
         */
        public Builder dilation(int h, int w) {
            this.dilationH = h;
            this.dilationW = w;
            return this;
        }

        /** @return this, with SAME padding */
        public Builder samePadding() {
            this.same = true;
            return this;
        }

        /**
         * @param h rows of zeros on each side
         * @param w columns of zeros on each side
         * @return this (truncating)
         */
        public Builder padding(int h, int w) {
            this.same = false;
            this.padH = h;
            this.padW = w;
            return this;
        }

        /**
         * @param v σ_w², per-entry weight variance times fan-in
         * @return this
         */
        public Builder weightVariance(double v) {
            this.weightVariance = v;
            return this;
        }

        /**
         * @param m the constant bias β
         * @return this
         */
        public Builder biasMean(double m) {
            this.biasMean = m;
            return this;
        }

        /**
         * @param v σ_b²
         * @return this
         */
        public Builder biasVariance(double v) {
            this.biasVariance = v;
            return this;
        }

        /**
         * @param present whether the layer has a bias
         * @return this
         */
        public Builder bias(boolean present) {
            this.bias = present;
            return this;
        }

        /**
         * @param phi the activation
         * @return this
         */
        public Builder activation(Nonlinearity phi) {
            this.activation = phi;
            return this;
        }

        /** @return the validated spec */
        public ConvLayerSpec build() {
            return new ConvLayerSpec(channels, kernelH, kernelW, strideH, strideW, dilationH, dilationW, same, padH, padW,
                    weightVariance, biasMean, biasVariance, bias, activation);
        }
    }
}
