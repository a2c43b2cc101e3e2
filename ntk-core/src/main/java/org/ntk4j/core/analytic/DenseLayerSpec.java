package org.ntk4j.core.analytic;


/**
 * One fully connected layer of an infinite-width stack: {@code z = h W + b}, then {@code h' = φ(z)}.
 *
 * <p>At initialisation the entries of the effective weight matrix are independent with mean 0 and variance
 * {@code weightVariance / n_in} ({@code σ_w²/n_in}; DL4J {@code WeightInit.NORMAL}: σ_w² = 1, {@code RELU}: 2,
 * {@code XAVIER}: {@code 2 n_in/(n_in + n_out)}), and the bias has mean {@code biasMean} (DL4J's {@code biasInit}) and
 * variance {@code biasVariance} (0 in DL4J). {@link Parameterization} decides how they are trained.
 *
 * @param width          number of units {@code n_out} of this layer, ≥ 1 (enters the NTK of the next layer in
 *                       {@link Parameterization#STANDARD})
 * @param weightVariance {@code σ_w² ≥ 0}: per-entry weight variance times fan-in
 * @param biasMean       {@code β}, the constant part of the bias
 * @param biasVariance   {@code σ_b² ≥ 0}, the variance of a random bias
 * @param bias           whether the layer has a (trainable) bias; without one {@code β} and {@code σ_b²} must be 0
 * @param activation     {@code φ}, applied to this layer's pre-activation; for the last layer of a stack it is
 *                       recorded but not applied (the kernels are those of the output pre-activation)
 */
public record DenseLayerSpec(int width, double weightVariance, double biasMean, double biasVariance, boolean bias,
                             Nonlinearity activation) {

    /**
     * Validates the fields.
     *
     * @param width          number of units {@code n_out} of this layer, ≥ 1 (enters the NTK of the next layer in
     *                       {@link Parameterization#STANDARD})
     * @param weightVariance {@code σ_w² ≥ 0}: per-entry weight variance times fan-in
     * @param biasMean       {@code β}, the constant part of the bias
     * @param biasVariance   {@code σ_b² ≥ 0}, the variance of a random bias
     * @param bias           whether the layer has a (trainable) bias; without one {@code β} and {@code σ_b²} must be 0
     * @param activation     {@code φ}, applied to this layer's pre-activation; for the last layer of a stack it is
     *                       recorded but not applied (the kernels are those of the output pre-activation)
     */
    public DenseLayerSpec {
        if (width < 1) {
            throw new IllegalArgumentException("layer width must be >= 1 (got: " + width + ")");
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
        if (activation == null) {
            throw new IllegalArgumentException("activation must not be null (got: null); use Nonlinearities.identity() "
                    + "for a linear layer");
        }
    }

    /**
     * @param width number of units
     * @return a builder with σ_w² = 1, bias present with mean 0 and variance 0, identity activation
     */
    public static Builder builder(int width) {
        return new Builder(width);
    }

    /** Builder of {@link DenseLayerSpec}; validated by {@link #build()}. */
    public static final class Builder {
        private final int width;
        private double weightVariance = 1.0;
        private double biasMean;
        private double biasVariance;
        private boolean bias = true;
        private Nonlinearity activation = Nonlinearities.identity();

        private Builder(int width) {
            this.width = width;
        }

        /**
         * @param v σ_w², the per-entry weight variance times fan-in
         * @return this
         */
        public Builder weightVariance(double v) {
            this.weightVariance = v;
            return this;
        }

        /**
         * @param mean the constant bias β (DL4J's biasInit)
         * @return this
         */
        public Builder biasMean(double mean) {
            this.biasMean = mean;
            return this;
        }

        /**
         * @param v σ_b², the variance of a random bias
         * @return this
         */
        public Builder biasVariance(double v) {
            this.biasVariance = v;
            return this;
        }

        /**
         * @param present whether the layer has a trainable bias
         * @return this
         */
        public Builder bias(boolean present) {
            this.bias = present;
            return this;
        }

        /**
         * @param phi the activation applied after this layer
         * @return this
         */
        public Builder activation(Nonlinearity phi) {
            this.activation = phi;
            return this;
        }

        /** @return the validated spec */
        public DenseLayerSpec build() {
            return new DenseLayerSpec(width, weightVariance, biasMean, biasVariance, bias, activation);
        }
    }
}
