package org.ntk4j.core.predict;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mean and covariance, over random initialisations, of the outputs of an ensemble of infinitely wide networks.
 *
 * @param mean       {@code [nt, o]} mean outputs on the test inputs
 * @param covariance {@code [nt·o, nt·o]} covariance of the flattened (example-major) test outputs; symmetric PSD
 */
public record EnsemblePrediction(INDArray mean, INDArray covariance) {

    /** @return {@code [nt, o]} the marginal variances, the diagonal of the covariance, clamped at 0 */
    public INDArray variance() {
        INDArray d = org.nd4j.linalg.factory.Nd4j.diag(covariance).reshape(mean.shape());
        return org.nd4j.linalg.ops.transforms.Transforms.max(d, 0.0, true);
    }
}
